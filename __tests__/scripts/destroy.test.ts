/**
 * `npm run destroy`: the order of the teardown and when it asks, with the cdktf runner and the
 * prompt injected (no AWS, no Terraform).
 */
import { type DestroyIo, destroy, parseArgs } from '../../scripts/destroy';

const BASE = { TF_STATE_BUCKET: 'my-state', STAGE: 'dev', AWS_REGION: 'eu-west-1' };

function fakeIo(overrides: Partial<DestroyIo> & { codes?: number[]; answer?: string } = {}) {
  const runs: Array<{ args: readonly string[]; allowDestroy: string | undefined }> = [];
  const questions: string[] = [];
  const lines: string[] = [];
  const codes = [...(overrides.codes ?? [])];
  const io: DestroyIo = {
    env: BASE,
    interactive: true,
    ask: async (question) => {
      questions.push(question);
      return overrides.answer ?? 'yes';
    },
    run: async (args, env) => {
      runs.push({ args, allowDestroy: env['STATE_BUCKET_ALLOW_DESTROY'] });
      return codes.shift() ?? 0;
    },
    out: (line) => lines.push(line),
    ...(overrides.env ? { env: overrides.env } : {}),
    ...(overrides.interactive !== undefined ? { interactive: overrides.interactive } : {}),
  };
  return { io, runs, questions, lines };
}

describe('npm run destroy', () => {
  it('destroys the application, then ci-access, and keeps the state bucket without the flag', async () => {
    const { io, runs, lines } = fakeIo({ env: { ...BASE, GITHUB_REPOSITORY: 'octo-org/async-api' } });

    const code = await destroy(['--yes'], io);

    expect(code).toBe(0);
    expect(runs.map((r) => r.args.join(' '))).toEqual([
      'destroy async-api-dev --auto-approve',
      'destroy ci-access --auto-approve',
    ]);
    expect(lines.join('\n')).toContain('state-bucket: kept (prevent_destroy); pass --state-bucket');
  });

  it('with --state-bucket, lifts prevent_destroy by an apply, then destroys the bucket last', async () => {
    const { io, runs } = fakeIo({ env: { ...BASE, GITHUB_REPOSITORY: 'octo-org/async-api' } });

    expect(await destroy(['--state-bucket', '--auto-approve'], io)).toBe(0);

    expect(runs).toEqual([
      { args: ['destroy', 'async-api-dev', '--auto-approve'], allowDestroy: undefined },
      { args: ['destroy', 'ci-access', '--auto-approve'], allowDestroy: undefined },
      { args: ['deploy', 'state-bucket', '--auto-approve'], allowDestroy: 'true' },
      { args: ['destroy', 'state-bucket', '--auto-approve'], allowDestroy: 'true' },
    ]);
  });

  it('leaves ci-access alone, and says how to address it, when GITHUB_REPOSITORY is unset', async () => {
    const { io, runs, lines } = fakeIo({ env: { ...BASE, STAGE: 'prod' } });

    await destroy(['--yes'], io);

    expect(runs.map((r) => r.args[1])).toEqual(['async-api-prod']);
    expect(lines.join('\n')).toContain('ci-access: not addressed; set GITHUB_REPOSITORY');
  });

  it('stops at the first failure and names what did not run', async () => {
    const { io, runs, lines } = fakeIo({ codes: [1] });

    expect(await destroy(['--yes', '--state-bucket'], io)).toBe(1);

    expect(runs).toHaveLength(1);
    expect(lines.at(-1)).toMatch(
      /^Stopped: cdktf destroy async-api-dev --auto-approve exited 1\. Not run: apply state-bucket/,
    );
  });

  describe('confirmation', () => {
    it('asks once, after listing the steps, and runs nothing unless the answer is yes', async () => {
      const { io, runs, questions, lines } = fakeIo({ answer: 'y' });

      expect(await destroy([], io)).toBe(1);

      expect(runs).toEqual([]);
      expect(lines).toContain('  1. destroy async-api-dev (the application)');
      expect(lines.at(-1)).toBe('Nothing destroyed.');
      expect(questions).toEqual(["Destroy these? Only 'yes' is accepted: "]);
    });

    it('runs every step after yes', async () => {
      const { io, runs, questions } = fakeIo();

      expect(await destroy([], io)).toBe(0);

      expect(questions).toHaveLength(1);
      expect(runs).toHaveLength(1);
    });

    it('refuses to prompt when stdin is not a terminal, unless told not to ask', async () => {
      const refused = fakeIo({ interactive: false });
      expect(await destroy([], refused.io)).toBe(2);
      expect(refused.runs).toEqual([]);
      expect(refused.questions).toEqual([]);
      expect(refused.lines.at(-1)).toBe(
        'Refusing to prompt: stdin is not a terminal. Pass --yes (or --auto-approve) to destroy without asking.',
      );

      const told = fakeIo({ interactive: false });
      expect(await destroy(['-y'], told.io)).toBe(0);
      expect(told.runs).toHaveLength(1);
    });
  });

  it('refuses unknown arguments and bad settings before anything runs', async () => {
    const unknown = fakeIo();
    expect(await destroy(['--force'], unknown.io)).toBe(2);
    expect(unknown.lines[0]).toMatch(/^npm run destroy: unknown argument "--force"\nUsage:/);

    const badConfig = fakeIo({ env: { STAGE: 'Bad Stage' } });
    expect(await destroy(['--yes'], badConfig.io)).toBe(2);
    expect(badConfig.runs).toEqual([]);
    expect(badConfig.lines[0]).toMatch(/^Configuration error: STAGE=/);
  });

  it('parses its flags', () => {
    expect(parseArgs([])).toEqual({ stateBucket: false, yes: false, help: false });
    expect(parseArgs(['--auto-approve', '--state-bucket'])).toEqual({ stateBucket: true, yes: true, help: false });
    expect(parseArgs(['--help']).help).toBe(true);
  });
});
