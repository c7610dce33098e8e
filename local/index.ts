/**
 * `npm start`: synthesizes the app when its output is stale, then serves the stack offline on
 * http://127.0.0.1:3000 (`PORT` to change). Like main.ts for the stacks, this is the only module of
 * the runtime that reads the environment:
 * - PORT (default 3000), LOCAL_DATA_DIR (default .local), CDKTF_OUTDIR (default cdktf.out);
 * - STACK to choose a stack when several define an HTTP API;
 * - LOCAL_SKIP_SYNTH=1 to serve the existing output as it is;
 * - LOCAL_ACCESS_LOG=0 / LOCAL_FUNCTION_LOG=0 to silence access-log lines / function output;
 * - everything stacks/config.ts reads (API_AUTH, STAGE, ...) is passed to the synthesis.
 * Exit codes: 0 after Ctrl-C/SIGTERM, 1 when the stack cannot be synthesized or served.
 */
import { resolve } from 'node:path';
import { banner } from './banner';
import { REPO_ROOT, startRuntime, type Runtime } from './runtime';
import { synthIfStale } from './synth';

async function main(): Promise<void> {
  const env = process.env;
  const port = parsePort(env['PORT']);
  const outdir = resolve(REPO_ROOT, env['CDKTF_OUTDIR'] ?? 'cdktf.out');
  const dataDir = resolve(REPO_ROOT, env['LOCAL_DATA_DIR'] ?? '.local');
  const say = (line: string): void => void process.stderr.write(`${line}\n`);

  if (env['LOCAL_SKIP_SYNTH'] !== '1') synthIfStale({ repoRoot: REPO_ROOT, outdir, env, log: say });
  const runtime: Runtime = await startRuntime({
    outdir,
    ...(env['STACK'] ? { stackId: env['STACK'] } : {}),
    port,
    dataDir,
    log: (line) => say(`[runtime] ${line}`),
    accessLog: env['LOCAL_ACCESS_LOG'] === '0' ? () => undefined : (line) => void process.stdout.write(`${line}\n`),
    ...(env['LOCAL_FUNCTION_LOG'] === '0' ? { functionLog: () => undefined } : {}),
  });
  for (const line of banner(runtime, dataDir)) process.stdout.write(`${line}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: stopping...`);
    runtime.close().then(
      () => process.exit(0),
      (err: unknown) => {
        say(`Error while stopping: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT=${JSON.stringify(value)} is invalid: expected a port number from 0 to 65535`);
  }
  return port;
}

main().catch((err: unknown) => {
  process.stderr.write(`Cannot start the local runtime: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

