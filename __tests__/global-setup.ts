// jest globalSetup: see temp-folder.ts.
export { setup as default } from './temp-folder';
