import { setupJest } from 'cdktf/lib/testing/adapters/jest';
import { collectAbove, collectAt } from './worker-memory';

// Registers cdktf's matchers (toHaveResourceWithProperties, toBeValidTerraform, ...) on this file's
// `expect`: the adapter is the one part of cdktf jest loads in each file's sandbox (jest.config.js).
setupJest();

// cdktf as tests load it, once per worker (./cdktf-outside-jest.cjs): shorter token creation
// records, and a token map emptied after each file.
const { forgetTokens } = require('./outside-jest.cjs')('./cdktf-outside-jest.cjs') as { forgetTokens(): void };

afterAll(() => {
  forgetTokens();
  // A worker collects its garbage after a file that left its heap large, instead of being replaced.
  collectAbove(collectAt(process.env));
});
