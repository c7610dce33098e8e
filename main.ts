import './scripts/require-node.cjs'; // first: an older Node.js stops here with one line
import { join } from 'node:path';
import { App } from 'cdktf';
import { buildApp } from './stacks/app';
import { ConfigError, parseConfig } from './stacks/config';

// The only place that reads the environment: everything below gets a typed, validated config.
function loadConfig() {
  try {
    return parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const problem of err.problems) console.error(`Configuration error: ${problem}`);
      process.exit(1);
    }
    throw err;
  }
}

const config = loadConfig();
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
