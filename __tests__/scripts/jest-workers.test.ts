/**
 * jest's workers stop at V8's baseline compiler for a run of some files, and keep every tier for the
 * whole suite (scripts/jest-workers.cjs, added by jest.config.js to the flags jest forks them with).
 */
const { BASELINE_ONLY, OPTIMIZE_VARIABLE, workerFlags } = require('../../scripts/jest-workers.cjs') as {
  BASELINE_ONLY: string;
  OPTIMIZE_VARIABLE: string;
  workerFlags(env: Record<string, string | undefined>, execArgv: readonly string[]): string[];
};

describe("jest workers' V8 tiers", () => {
  it('stop at the baseline tier unless told otherwise', () => {
    expect(BASELINE_ONLY).toBe('--max-opt=1');
    expect(workerFlags({}, [])).toEqual(['--max-opt=1']);
    expect(workerFlags({ [OPTIMIZE_VARIABLE]: '0' }, ['--expose-gc'])).toEqual(['--max-opt=1']);
  });

  it('keep every tier for the whole suite', () => {
    expect(workerFlags({ ASYNC_API_JEST_OPTIMIZE: '1' }, [])).toEqual([]);
  });

  it.each([['--max-opt=3'], ['--max-opt'], ['--no-opt'], ['--opt'], ['--turbofan'], ['--no-maglev'], ['--sparkplug']])(
    "leave a tier chosen on jest's own command line (%s)",
    (flag) => {
      expect(workerFlags({}, ['--expose-gc', flag])).toEqual([]);
    },
  );

  it.each([['--max-old-space-size=4096'], ['--optimize-for-size'], ['--stack-trace-limit=50']])(
    'add the baseline tier beside an unrelated flag (%s)',
    (flag) => {
      expect(workerFlags({}, [flag])).toEqual(['--max-opt=1']);
    },
  );

  it('are what this jest process hands its workers (jest.config.js)', () => {
    // By `npm test` (the whole suite) or by jest on some files: a worker has its parent's flags.
    const expected = workerFlags(process.env, []);
    for (const flag of expected) expect(process.execArgv).toContain(flag);
    if (expected.length === 0) expect(process.execArgv).not.toContain(BASELINE_ONLY);
  });
});
