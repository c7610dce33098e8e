/**
 * The dashboard's schedules in a real browser (Chromium, local/dashboard/chromium.ts): each job's
 * schedules are listed with their expression and time zone, "Run now" starts the job, and the job's
 * counts go up. Without Chromium this FAILS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { openChromium } from '../../../local/dashboard/chromium';
import { DASHBOARD_PATH } from '../../../local/dashboard/server';
import { JOBS } from '../../../stacks/jobs';
import { startTestRuntime, type TestRuntime } from '../helpers';

jest.setTimeout(90_000);

let test: TestRuntime;
let dir: string;
let browser: BrowserContext;
let page: Page;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'async-api-dashboard-schedules-'));
  test = await startTestRuntime();
  browser = await openChromium(join(dir, 'profile'));
  page = await browser.newPage();
});
afterAll(async () => {
  await browser?.close();
  await test?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const job = JOBS.find((j) => (j.schedules ?? []).length > 0)!;
const schedule = job.schedules![0]!;
const scheduleName = `async-api-dev-${job.name}-${schedule.name}`;

it('lists the schedules, and "Run now" starts the job and counts it', async () => {
  await page.goto(`${test.url}${DASHBOARD_PATH}`);
  await page.waitForSelector('body[data-ready="list"]');
  const row = page.locator(`tr[data-schedule="${scheduleName}"]`);
  await row.waitFor();
  await expect(row.textContent()).resolves.toContain(schedule.expression);
  await expect(row.textContent()).resolves.toContain(schedule.timeZone ?? 'UTC');
  const started = page.locator(`table.counts tr[data-job="${job.name}"] td:nth-child(2)`);
  const before = Number(await started.textContent());

  await page.getByTestId(`run-${scheduleName}`).click();

  await page
    .getByTestId('schedule-message')
    .filter({ hasText: /^Started arn:aws:states:/ })
    .waitFor();
  // The counts refresh when the new execution's status changes reach the page.
  await page
    .locator(`table.counts tr[data-job="${job.name}"] td:nth-child(2)`, { hasText: new RegExp(`^${before + 1}$`) })
    .waitFor();
});
