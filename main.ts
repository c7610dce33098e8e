import './scripts/require-node.cjs'; // first: an older Node.js stops here with one line
import { join } from 'node:path';
import { App } from 'cdktf';

/**
 * esbuild's own lines for a failed build or transform (`file:line:column: ERROR: text`), or undefined
 * for any other error. A broken edit reaches us as one of these, from tsx loading the stacks (a
 * TransformError, whose message holds the lines) or from bundling a handler (a BuildFailure, with
 * `errors`); the stack trace names only esbuild's internals, so it is left out.
 */
function buildFailureLines(err: unknown): string[] | undefined {
  if (!(err instanceof Error) || !/^(Build|Transform) failed with \d+ errors?:/.test(err.message)) return undefined;
  const lines = err.message.split('\n').filter((line) => /: ERROR: /.test(line));
  return lines.length > 0 ? lines.map((line) => line.replace(`${process.cwd()}/`, '')) : undefined;
}

// The only place that reads the environment: everything below gets a typed, validated config. The
// stacks are imported here, not at the top, so that an edit that does not compile is reported above.
async function main(): Promise<void> {
  const { ConfigError, parseConfig } = await import('./stacks/config');
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const problem of err.problems) console.error(`Configuration error: ${problem}`);
    process.exit(1);
  }
  // scripts/cdktf.cjs asks this before starting the cdktf CLI, which would report a problem twice.
  if (process.argv.includes('--check-config')) return;
  const { buildApp } = await import('./stacks/app');
  // cdktf reads CDKTF_OUTDIR itself (the CLI sets it); bundles go beside the stacks, never into the sources.
  const app = new App();
  // cdktf records a whole stack trace for every token it creates; with tsx's source maps on, each is
  // mapped back to TypeScript, a tenth of the synthesis's CPU and 20 MB (issue 24). An error thrown
  // here still shows TypeScript lines: its stack is formatted when printed, after `finally`.
  process.setSourceMapsEnabled(false);
  try {
    buildApp(app, config, { buildDir: join(app.outdir, 'bundles') });
    app.synth();
  } finally {
    process.setSourceMapsEnabled(true);
  }
}

main().catch((err: unknown) => {
  const lines = buildFailureLines(err);
  if (!lines) throw err;
  for (const line of lines) console.error(line);
  process.exit(1);
});
