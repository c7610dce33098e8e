/**
 * What the local runtime's process loads (issue 24): reading the configuration to decide whether to
 * synthesize again must not pull in cdktf and the provider's classes, which cost the runtime about a
 * second at start and some 25 MB for as long as it runs. The synthesis itself runs in its own process.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

it('loads no cdktf or provider module with the runtime, its synthesis check and its banner', () => {
  // Act: a process of its own, as `npm start` is (loading local/index.ts itself would start serving)
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `for (const m of ['./local/runtime.ts', './local/synth.ts', './local/banner.ts', './local/watch.ts']) require(m);
       const loaded = Object.keys(require.cache).filter((k) => /node_modules\\/(cdktf|@cdktf|constructs)\\//.test(k));
       process.stdout.write(JSON.stringify(loaded.slice(0, 5)));`,
    ],
    { encoding: 'utf8', cwd: ROOT },
  );

  // Assess
  expect(child.status).toBe(0);
  expect(JSON.parse(child.stdout)).toEqual([]);
});
