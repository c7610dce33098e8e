/**
 * Opens Debian's Chromium headless through playwright-core, for the dashboard's browser tests and
 * its bench. Playwright's own browser downloads are never used: the browser is the one `apt-get
 * install -y chromium` puts at /usr/bin/chromium (.ci/run installs it). When it is missing this
 * throws, so a browser test fails instead of being skipped.
 */
import { existsSync } from 'node:fs';
import { type BrowserContext, chromium } from 'playwright-core';

/** Where Debian's package installs Chromium. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

// Quiet and deterministic: no sandbox (CI runs as root), no GPU, and no traffic of Chromium's own.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A headless Chromium with a new profile in `userDataDir` (an empty folder the caller owns and
 * removes). Playwright passes `--headless` and `--user-data-dir` itself.
 * @throws when Chromium is not installed
 */
export async function openChromium(userDataDir: string): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} not found: install Debian's Chromium (apt-get install -y chromium); the browser tests cannot run without it`,
    );
  }
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
  });
}
