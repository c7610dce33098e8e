import { runtimeMismatches } from '../../local/banner';

describe('runtimeMismatches', () => {
  const functions = [
    { functionName: 'worker', runtime: 'nodejs24.x' },
    { functionName: 'status', runtime: 'nodejs22.x' },
    { functionName: 'other', runtime: 'python3.13' },
  ];

  it('names each Node.js function whose declared runtime differs from the local Node.js major', () => {
    expect(runtimeMismatches(functions, '22.23.3')).toEqual(['worker declares nodejs24.x and runs here on Node.js 22.23.3']);
  });

  it('says nothing when the majors match', () => {
    expect(runtimeMismatches(functions.slice(0, 1), '24.1.0')).toEqual([]);
  });
});
