// jest globalTeardown: see temp-folder.ts.
export { teardown as default } from './temp-folder';
