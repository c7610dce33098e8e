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
buildApp(app, config, { buildDir: join(app.outdir, 'bundles') });
app.synth();
