import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrimeCounterErrors } from '../../lambda-src/prime-counter/errors';
import { countChunk, MAX_CHUNKS, split, sum } from '../../lambda-src/prime-counter/steps';
import { JOBS } from '../../stacks/jobs';

// The prime counter's own tests: its three steps, and what its ASL promises about their errors.
describe('prime counter steps', () => {
  it('splits the range into chunks that cover it exactly, the last one shorter', () => {
    expect(split({ from: 1, to: 25, chunkSize: 10 })).toEqual({
      from: 1,
      to: 25,
      chunks: [
        { from: 1, to: 10 },
        { from: 11, to: 20 },
        { from: 21, to: 25 },
      ],
    });
  });

  it('counts the primes of a chunk, 0, 1 and 2 included', () => {
    expect(countChunk({ from: 0, to: 30 })).toEqual({ from: 0, to: 30, primes: 10 });
  });

  it("gets the right answer for the registry's example input, step by step as the ASL runs it", () => {
    // Prepare
    const example = JOBS.find((j) => j.name === 'prime-counter')!.exampleInput;

    // Act
    const parts = split(example);
    const result = sum({ ...parts, counts: parts.chunks.map(countChunk) });

    // Assess: pi(20000) = 2262
    expect(result).toEqual({ from: 1, to: 20000, primes: 2262, chunks: 4 });
  });

  it.each([
    ['not an object', 7],
    ['no range', {}],
    ['to below from', { from: 10, to: 9 }],
    ['a fractional bound', { from: 1.5, to: 9 }],
    ['too many chunks', { from: 1, to: MAX_CHUNKS + 1, chunkSize: 1 }],
    ['a zero chunk size', { from: 1, to: 10, chunkSize: 0 }],
  ])('refuses %s with the error the ASL catches', (_what, input) => {
    expect(() => split(input)).toThrow(expect.objectContaining({ name: PrimeCounterErrors.InvalidInput }));
  });

  it('refuses a malformed chunk or counts', () => {
    expect(() => countChunk({ from: 5 })).toThrow(expect.objectContaining({ name: PrimeCounterErrors.InvalidInput }));
    expect(() => sum({ from: 1, to: 2, counts: [{ primes: 'x' }] })).toThrow(
      expect.objectContaining({ name: PrimeCounterErrors.InvalidInput }),
    );
  });

  it('has an ASL that catches InvalidInput on the outer steps without retrying it, and a Map that reports a failed chunk', () => {
    // Prepare
    const asl = JSON.parse(readFileSync(join(__dirname, '..', '..', 'statemachine', 'prime-counter.asl.json'), 'utf8'));

    // Assess
    for (const name of ['Split range', 'Sum counts']) {
      expect(asl.States[name].Catch[0]).toMatchObject({
        ErrorEquals: [PrimeCounterErrors.InvalidInput],
        Next: 'Invalid input',
      });
      expect(asl.States[name].Retry.flatMap((r: { ErrorEquals: string[] }) => r.ErrorEquals)).not.toContain(
        PrimeCounterErrors.InvalidInput,
      );
    }
    expect(asl.States['Count chunks']).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.chunks',
      ResultPath: '$.counts',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }],
    });
  });
});
