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
  // One esbuild per process for every test file, its bundles remembered until a file they read changes.
  moduleNameMapper: { '^esbuild$': '<rootDir>/__tests__/esbuild-shared.cjs' },
  // Each run gets its own temp folder, removed at the end (__tests__/temp-folder.ts).
  globalSetup: '<rootDir>/__tests__/global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
  reporters: ['default', '<rootDir>/__tests__/summary-reporter.js'],
  cacheDirectory: '<rootDir>/.build/jest-cache',
};
