/**
 * `npm start`: synthesizes the app into a folder of its own when that output is stale, then serves
 * the stack offline on http://127.0.0.1:3000 (`PORT` to change), and reloads it when a source
 * changes. Like main.ts for the stacks, this is the only module of the runtime that reads the
 * environment and the command line:
 * - PORT (default 3000), LOCAL_DATA_DIR (default .local), where it writes `endpoint.json` while it
 *   runs, for the client (local/endpoint-file.ts);
 * - LOCAL_OUTDIR (default <LOCAL_DATA_DIR>/cdktf.out): never the `cdktf.out` that `npm run synth`
 *   and `cdktf deploy` write, so another command's settings are never served;
 * - STACK to choose a stack when several define an HTTP API;
 * - LOCAL_SKIP_SYNTH=1 to serve the existing output as it is (watch mode off);
 * - LOCAL_WATCH=0 or `--no-watch` (`npm start -- --no-watch`) to turn watch mode off;
 * - LOCAL_ACCESS_LOG=0 / LOCAL_FUNCTION_LOG=0 to silence access-log lines / function output;
 * - everything stacks/config.ts reads (API_AUTH, STAGE, ...) is passed to the synthesis.
 * Exit codes: 0 after Ctrl-C/SIGTERM, 1 when the stack cannot be synthesized or served.
 */
import '../scripts/require-node.cjs'; // first: an older Node.js stops here with one line
import './heap'; // second: before the other modules load and fill the heap
import { resolve } from 'node:path';
import { parsePort } from '../client/port';
import { banner } from './banner';
import { publishEndpoint } from './endpoint-file';
import { REPO_ROOT, type Runtime, startRuntime } from './runtime';
import { SOURCES, synthIfStale } from './synth';
import { type Watcher, watchAndReload } from './watch';

async function main(): Promise<void> {
  const env = process.env;
  const port = env['PORT'] === undefined || env['PORT'] === '' ? 3000 : parsePort(env['PORT'], 'PORT');
  const dataDir = resolve(REPO_ROOT, env['LOCAL_DATA_DIR'] || '.local');
  const outdir = resolve(REPO_ROOT, env['LOCAL_OUTDIR'] || resolve(dataDir, 'cdktf.out'));
  const skipSynth = env['LOCAL_SKIP_SYNTH'] === '1';
  const watching = !skipSynth && env['LOCAL_WATCH'] !== '0' && !process.argv.slice(2).includes('--no-watch');
  const unknown = process.argv.slice(2).filter((arg) => arg !== '--no-watch');
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown.join(' ')} (accepted: --no-watch)`);
  const say = (line: string): void => void process.stderr.write(`${line}\n`);

  if (!skipSynth) synthIfStale({ repoRoot: REPO_ROOT, outdir, env, log: say });
  const runtime: Runtime = await startRuntime({
    outdir,
    ...(env['STACK'] ? { stackId: env['STACK'] } : {}),
    port,
    dataDir,
    log: (line) => say(`[runtime] ${line}`),
    // Off means not rendered at all: under load, formatting lines nobody reads was a cost per request.
    accessLog: env['LOCAL_ACCESS_LOG'] === '0' ? false : (line) => void process.stdout.write(`${line}\n`),
    ...(env['LOCAL_FUNCTION_LOG'] === '0' ? { functionLog: () => undefined } : {}),
  });
  const published = publishEndpoint(runtime, dataDir);
  for (const line of banner(runtime, dataDir)) process.stdout.write(`${line}\n`);
  const watcher: Watcher | undefined = watching
    ? watchAndReload({
        repoRoot: REPO_ROOT,
        runtime,
        dataDir,
        env,
        ...(env['STACK'] ? { stackId: env['STACK'] } : {}),
        log: (line) => say(`[watch] ${line}`),
      })
    : undefined;
  if (watching)
    say(`[watch] Reloading when ${SOURCES.join(', ')} change (turn off: npm start -- --no-watch, or LOCAL_WATCH=0).`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: stopping...`);
    published.remove();
    Promise.all([runtime.close(), watcher?.close()]).then(
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

main().catch((err: unknown) => {
  process.stderr.write(`Cannot start the local runtime: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
