import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
const { problemWith, NEWEST_SUPPORTED_MAJOR } = require('../../scripts/cdktf-node-check.cjs') as {
  problemWith(version: string): string | undefined;
  NEWEST_SUPPORTED_MAJOR: number;
};

describe('cdktf-node-check', () => {
  it.each(['v22.23.3', '22.0.0', 'v20.20.2'])('lets cdktf-cli run on Node.js %s', (version) => {
    expect(problemWith(version)).toBeUndefined();
  });

  it.each(['v24.21.0', 'v23.1.0'])('explains in one line why cdktf-cli cannot start on Node.js %s', (version) => {
    const problem = problemWith(version)!;

    expect(problem).toMatch(new RegExp(`cannot start on Node.js ${version}.*Switch to Node.js ${NEWEST_SUPPORTED_MAJOR}`));
    expect(problem).not.toContain('\n');
  });

  it('agrees with the native module builds cdktf-cli ships', () => {
    const prebuilt = spawnSync('ls', [join(__dirname, '..', '..', 'node_modules', '@cdktf', 'node-pty-prebuilt-multiarch', 'prebuilds', 'linux-x64')], {
      encoding: 'utf8',
    }).stdout;
    const abis = [...prebuilt.matchAll(/node\.abi(\d+)\.node/g)].map((m) => Number(m[1]));

    // Node.js 22's ABI is 127; a cdktf-cli with a newer build would make the check too strict.
    expect(Math.max(...abis)).toBe(127);
  });
});
