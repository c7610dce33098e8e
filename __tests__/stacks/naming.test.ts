import { Naming } from '../../stacks/naming';

describe('Naming', () => {
  const naming = new Naming('async-api', 'dev');

  it('prefixes components with project and stage', () => {
    expect(naming.name('prime-counter')).toBe('async-api-dev-prime-counter');
  });

  it('refuses a name over the resource type\'s limit, saying both lengths', () => {
    expect(() => naming.name('x'.repeat(60))).toThrow(/is 74 characters; the limit is 64/);
  });

  it('refuses components that are not lower-case words', () => {
    expect(() => naming.name('Prime_Counter')).toThrow(/must be lower-case letters/);
  });

  it('puts vended logs under /aws/vendedlogs/', () => {
    expect(naming.vendedLogGroup('api-access')).toBe('/aws/vendedlogs/async-api-dev-api-access');
  });
});
