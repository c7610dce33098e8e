/**
 * `npm run destroy`: removes a deployment in the reverse order of the bootstrap, one stack at a time,
 * stopping at the first failure:
 * 1. the application stack, `async-api-<STAGE>`;
 * 2. `ci-access` (only when `GITHUB_REPOSITORY` names the repository it trusts: without it the app
 *    does not define that stack, so there is nothing to address);
 * 3. with `--state-bucket` only, the state bucket: first applied with `STATE_BUCKET_ALLOW_DESTROY=true`
 *    (lifts `prevent_destroy`, stores `force_destroy` in its state), then destroyed, which deletes
 *    every object version (versioning keeps each old state) and the bucket.
 * It shows the steps and asks for `yes` first, unless `--yes` / `--auto-approve`; with stdin not a
 * terminal and neither flag, it refuses rather than prompt. It reads the same variables as
 * `npm run deploy` (STAGE, TF_STATE_BUCKET, AWS_REGION, ...).
 * Exit codes: 0 done (or --help), 1 a step failed or the answer was not yes, 2 bad usage or settings.
 */
import './require-node.cjs'; // first: an older Node.js stops here with one line
import { createInterface } from 'node:readline/promises';
import { stackIds } from '../stacks/app';
import { type AppConfig, ConfigError, parseConfig } from '../stacks/config';

const { runCli } = require('./cdktf.cjs') as {
  runCli(args: readonly string[], options: { env: NodeJS.ProcessEnv }): Promise<number>;
};

/** Command-line options of `npm run destroy`. */
export interface DestroyOptions {
  /** Also destroy the state bucket (and every state it holds). */
  readonly stateBucket: boolean;
  /** Do not ask for confirmation. */
  readonly yes: boolean;
  readonly help: boolean;
}

/** One cdktf command of the teardown. */
export interface Step {
  /** What the user reads in the list of steps. */
  readonly title: string;
  /** cdktf arguments. */
  readonly args: readonly string[];
  /** Variables added to the environment for this command. */
  readonly env?: Readonly<Record<string, string>>;
}

export const USAGE = `Usage: npm run destroy -- [--state-bucket] [--yes | --auto-approve]

Destroys async-api-<STAGE>, then ci-access (when GITHUB_REPOSITORY is set), and with
--state-bucket the Terraform state bucket too (its prevent_destroy is lifted for that).
Asks for confirmation unless --yes or --auto-approve; will not prompt when stdin is not a terminal.`;

/** Thrown for arguments `npm run destroy` does not take. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses `npm run destroy` arguments. @throws UsageError naming an unknown argument. */
export function parseArgs(argv: readonly string[]): DestroyOptions {
  let stateBucket = false;
  let yes = false;
  let help = false;
  for (const arg of argv) {
    if (arg === '--state-bucket') stateBucket = true;
    else if (arg === '--yes' || arg === '-y' || arg === '--auto-approve') yes = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else throw new UsageError(`unknown argument "${arg}"`);
  }
  return { stateBucket, yes, help };
}

/** The steps for `config` and `options`, in order, and what is left alone and why. */
export function teardownPlan(
  config: Pick<AppConfig, 'stage' | 'ciAccess'>,
  options: Pick<DestroyOptions, 'stateBucket'>,
): { steps: Step[]; kept: string[] } {
  const ids = stackIds(config);
  const steps: Step[] = [
    { title: `destroy ${ids.api} (the application)`, args: ['destroy', ids.api, '--auto-approve'] },
  ];
  const kept: string[] = [];
  if (config.ciAccess) {
    steps.push({
      title: `destroy ${ids.ciAccess} (CI roles of ${config.ciAccess.repository})`,
      args: ['destroy', ids.ciAccess, '--auto-approve'],
    });
  } else {
    kept.push(`${ids.ciAccess}: not addressed; set GITHUB_REPOSITORY to the repository it trusts to destroy it`);
  }
  if (options.stateBucket) {
    const env = { STATE_BUCKET_ALLOW_DESTROY: 'true' };
    steps.push(
      {
        title: `apply ${ids.stateBucket} with prevent_destroy lifted and force_destroy on`,
        args: ['deploy', ids.stateBucket, '--auto-approve'],
        env,
      },
      {
        title: `destroy ${ids.stateBucket} (every state version in it, then the bucket)`,
        args: ['destroy', ids.stateBucket, '--auto-approve'],
        env,
      },
    );
  } else {
    kept.push(`${ids.stateBucket}: kept (prevent_destroy); pass --state-bucket to remove it and every state it holds`);
  }
  return { steps, kept };
}

/** What {@link destroy} needs from the outside world; tests pass fakes. */
export interface DestroyIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stdin is a terminal a person can answer on. */
  readonly interactive: boolean;
  /** Asks a question and resolves to the answer. */
  readonly ask: (question: string) => Promise<string>;
  /** Runs one cdktf command; resolves to its exit code. */
  readonly run: (args: readonly string[], env: NodeJS.ProcessEnv) => Promise<number>;
  readonly out: (line: string) => void;
}

/** Runs `npm run destroy` with `argv`; resolves to the exit code. */
export async function destroy(argv: readonly string[], io: DestroyIo): Promise<number> {
  let options: DestroyOptions;
  try {
    options = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.out(`npm run destroy: ${err.message}\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    io.out(USAGE);
    return 0;
  }
  let config: AppConfig;
  try {
    config = parseConfig(io.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const problem of err.problems) io.out(`Configuration error: ${problem}`);
    return 2;
  }

  const { steps, kept } = teardownPlan(config, options);
  io.out(
    `Teardown of stage ${config.stage} in ${config.region} (state in s3://${config.state.bucket}), in this order:`,
  );
  for (const [i, step] of steps.entries()) io.out(`  ${i + 1}. ${step.title}`);
  for (const line of kept) io.out(`  - ${line}`);

  if (!options.yes) {
    if (!io.interactive) {
      io.out('Refusing to prompt: stdin is not a terminal. Pass --yes (or --auto-approve) to destroy without asking.');
      return 2;
    }
    const answer = await io.ask("Destroy these? Only 'yes' is accepted: ");
    if (answer.trim() !== 'yes') {
      io.out('Nothing destroyed.');
      return 1;
    }
  }

  for (const [i, step] of steps.entries()) {
    io.out(`\n[${i + 1}/${steps.length}] ${step.title}`);
    const code = await io.run(step.args, { ...io.env, ...step.env });
    if (code !== 0) {
      const left = steps.slice(i + 1).map((s) => s.title);
      io.out(
        `Stopped: cdktf ${step.args.join(' ')} exited ${code}.${left.length ? ` Not run: ${left.join('; ')}.` : ''}`,
      );
      return 1;
    }
  }
  io.out('\nTeardown complete.');
  return 0;
}

if (require.main === module) {
  const ask = async (question: string): Promise<string> => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  };
  destroy(process.argv.slice(2), {
    env: process.env,
    interactive: process.stdin.isTTY === true,
    ask,
    run: (args, env) => runCli(args, { env }),
    out: (line) => void process.stderr.write(`${line}\n`),
  }).then((code) => {
    process.exitCode = code;
  });
}
