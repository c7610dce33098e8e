/**
 * Bundles the dashboard's front end (ui/app.ts and the layout library) with esbuild, in memory, the
 * first time the page is asked for: nothing is written to the source tree, and `npm start` needs no
 * separate build step.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/** The page and its script. */
export interface DashboardAssets {
  readonly html: string;
  readonly script: string;
}

const UI_DIR = join(__dirname, 'ui');

/** Bundles ui/app.ts for current browsers and reads ui/index.html. */
export async function bundleDashboard(): Promise<DashboardAssets> {
  const result = await build({
    entryPoints: [join(UI_DIR, 'app.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return { html: readFileSync(join(UI_DIR, 'index.html'), 'utf8'), script: result.outputFiles[0]!.text };
}
