/**
 * Jest runs TypeScript through SWC, which strips types without checking them:
 * `npm test` type-checks with `tsc --noEmit` while jest runs (scripts/test.cjs).
 */
require('./scripts/require-node.cjs'); // `npx jest` on an older Node.js stops here with one line
const { workerFlags } = require('./scripts/jest-workers.cjs');

// jest's workers stop at V8's baseline compiler, except those of the whole suite run by `npm test`
// (scripts/jest-workers.cjs). jest forks its workers with this process's Node.js flags.
process.execArgv.push(...workerFlags(process.env, process.execArgv));

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // jest's runtime, reading each file of node_modules once per worker instead of once per test file.
  runtime: '<rootDir>/__tests__/runtime.cjs',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // cdktf, constructs and the AWS provider's classes, loaded once per worker by Node.js instead of once
    // per test file by jest (__tests__/outside-jest-transform.cjs); cdktf's jest adapter stays per file.
    '/node_modules/(cdktf/lib/(?!testing/adapters/)|constructs/lib/|@cdktf/provider-aws/lib/).+\\.js$':
      '<rootDir>/__tests__/outside-jest-transform.cjs',
    '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }],
  },
  // commander 15 ships only ES modules; SWC turns it into CommonJS like our own files.
  transformIgnorePatterns: ['/node_modules/(?!(commander|cdktf|constructs|@cdktf/provider-aws)/)'],
  // One esbuild per process for every test file, its bundles remembered until a file they read changes;
  // one fflate, its zips remembered by content.
  moduleNameMapper: {
    '^esbuild$': '<rootDir>/__tests__/esbuild-shared.cjs',
    '^fflate$': '<rootDir>/__tests__/fflate-shared.cjs',
  },
  // Each run gets its own temp folder, removed at the end (__tests__/temp-folder.ts).
  globalSetup: '<rootDir>/__tests__/global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
  // A worker per core: on a 2-core machine jest's default (cores - 1) left one core idle. `-i` still
  // runs in band. A worker collects its garbage after a file that left its heap at 150 MB or more
  // (__tests__/worker-memory.ts); this limit replaces only a worker that keeps more than 200 MB alive.
  // At 100 MB, counting garbage, jest replaced workers every few files, and each replacement loads and
  // compiles cdktf, the providers and our stacks again: the inner loop took 6.2-6.9 s instead of about
  // 5 s, at the same peak (issue 22, `npm run bench -- --only tests`).
  maxWorkers: '100%',
  workerIdleMemoryLimit: '200MB',
  reporters: ['default', '<rootDir>/__tests__/summary-reporter.js'],
  cacheDirectory: '<rootDir>/.build/jest-cache',
};
