/**
 * Jest runs TypeScript through SWC, which strips types without checking them:
 * `npm test` type-checks with `tsc --noEmit` while jest runs (scripts/test.cjs).
 */
require('./scripts/require-node.cjs'); // `npx jest` on an older Node.js stops here with one line

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }],
  },
  // commander 15 ships only ES modules; SWC turns it into CommonJS like our own files.
  transformIgnorePatterns: ['/node_modules/(?!commander/)'],
  // One esbuild per process for every test file, its bundles remembered until a file they read changes;
  // one fflate, its zips remembered by content; one archiver and semver, which cdktf's barrel loads.
  moduleNameMapper: {
    '^esbuild$': '<rootDir>/__tests__/esbuild-shared.cjs',
    '^fflate$': '<rootDir>/__tests__/fflate-shared.cjs',
    '^archiver$': '<rootDir>/__tests__/archiver-shared.cjs',
    '^semver$': '<rootDir>/__tests__/semver-shared.cjs',
  },
  // Each run gets its own temp folder, removed at the end (__tests__/temp-folder.ts).
  globalSetup: '<rootDir>/__tests__/global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
  // A worker per core, and a worker whose heap has grown past 100 MB after a test file is replaced by a
  // fresh one. In band, the unit suites grew one process far past the inner loop's 400 MB target (jest
  // keeps a copy of cdktf and the providers per test file, and V8 collects lazily; issue 22, figures
  // from `npm run bench -- --only tests`). And on a 2-core machine jest's default (cores - 1) left one
  // core idle. `-i` still runs in band.
  maxWorkers: '100%',
  workerIdleMemoryLimit: '100MB',
  reporters: ['default', '<rootDir>/__tests__/summary-reporter.js'],
  cacheDirectory: '<rootDir>/.build/jest-cache',
};
