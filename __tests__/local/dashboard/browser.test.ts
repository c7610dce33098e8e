/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core, local/dashboard/chromium.ts):
 * every job of the registry is started from its form and its first state turns green; the default
 * job, held by the fault wrapper, is stopped from its page; bad JSON is explained; the list updates
 * without a reload; a failed execution is redriven from its page. Screenshots go to this test's own temp folder. Without Chromium this FAILS.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { openChromium } from '../../../local/dashboard/chromium';
import { DASHBOARD_PATH } from '../../../local/dashboard/server';
import { defaultJob } from '../../../stacks/job';
import { JOBS } from '../../../stacks/jobs';
import { type FaultyStack, faultyStack, WORKER_FAULTS, WORKER_INPUT } from '../../robustness/fault-injection';
import { startTestRuntime, synthesize, type TestRuntime, uniqueName } from '../helpers';

jest.setTimeout(90_000);

let test: TestRuntime;
let faulty: FaultyStack;
let dir: string;
let browser: BrowserContext;
let page: Page;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'async-api-dashboard-'));
  faulty = faultyStack(synthesize(), { worker: { wrapper: WORKER_FAULTS } });
  test = await startTestRuntime({ stack: faulty.stack });
  browser = await openChromium(join(dir, 'profile'));
  page = await browser.newPage();
});
afterAll(async () => {
  await browser?.close();
  await test?.close();
  faulty?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openList(): Promise<void> {
  await page.goto(`${test.url}${DASHBOARD_PATH}`);
  await page.waitForSelector('body[data-ready="list"]');
}

async function screenshot(name: string): Promise<void> {
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  // A PNG file starts with its signature.
  expect(readFileSync(path).subarray(1, 4).toString()).toBe('PNG');
}

describe.each(JOBS.map((j) => [j.name, j]))('job %s', (name, job) => {
  it('is drawn with one node per state, started from its form, and its states turn green', async () => {
    await openList();
    const article = page.locator(`article[data-job="${name}"]`);
    // The job's own states, and nothing the stack added.
    const states = Object.keys((JSON.parse(readFileSync(job.definitionFile, 'utf8')) as { States: object }).States);
    await expect(article.locator('g.node[data-state]:not([data-state=""])').count()).resolves.toBe(states.length);
    await page.getByTestId(`name-${name}`).fill(uniqueName('from-page'));
    await page.getByTestId(`start-${name}`).click();
    await page.waitForSelector('body[data-ready="execution"]');
    await page.waitForSelector('.exec-head [data-status="SUCCEEDED"]', { timeout: 60_000 });
    const first = (JSON.parse(readFileSync(job.definitionFile, 'utf8')) as { StartAt: string }).StartAt;
    await page.waitForSelector(`g.node[data-state="${first}"][data-state-status="succeeded"]`);
    await expect(page.locator('g.node[data-state-status="failed"]').count()).resolves.toBe(0);
    await expect(page.getByTestId('events').locator('li').first().textContent()).resolves.toContain('ExecutionStarted');
    await screenshot(`${name}-succeeded`);
  });
});

it('says what is wrong with bad JSON, and where only once, and will not start it', async () => {
  const job = defaultJob(JOBS).name;
  await openList();
  await page.getByTestId(`input-${job}`).fill('{\n  "seconds": 0,\n}');
  const problem = await page.getByTestId(`problem-${job}`).textContent();
  expect(problem).toMatch(/not valid JSON: .*line 3, column 1/);
  expect(problem!.match(/line|position/g)).toHaveLength(1);
  await expect(page.getByTestId(`start-${job}`).isDisabled()).resolves.toBe(true);
  await page.getByTestId(`input-${job}`).fill('{}');
  await expect(page.getByTestId(`problem-${job}`).textContent()).resolves.toBe('');
});

it('stops a running execution from its page: the state it was in turns red, the execution ABORTED', async () => {
  const job = defaultJob(JOBS).name;
  const first = (
    JSON.parse(readFileSync(JOBS.find((j) => j.name === job)!.definitionFile, 'utf8')) as { StartAt: string }
  ).StartAt;
  await openList();
  await page.getByTestId(`input-${job}`).fill(JSON.stringify(WORKER_INPUT.hold(30_000)));
  await page.getByTestId(`start-${job}`).click();
  await page.waitForSelector(`g.node[data-state="${first}"][data-state-status="running"]`);
  await screenshot(`${job}-running`);
  await page.getByTestId('stop').click();
  await page.waitForSelector('.exec-head [data-status="ABORTED"]');
  await page.waitForSelector(`g.node[data-state="${first}"][data-state-status="failed"]`);
  await screenshot(`${job}-stopped`);
});

it('shows an execution started elsewhere in the list without a reload', async () => {
  const job = defaultJob(JOBS);
  await openList();
  const name = uniqueName('live');
  await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 1));
  await test.runtime.sfn.call(
    'StartExecution',
    { kind: 'developer' },
    {
      stateMachineArn: test.runtime.model.stateMachines.find((m) => m.name.endsWith(job.name))!.arn,
      name,
      input: JSON.stringify(job.exampleInput),
    },
  );
  await page.waitForSelector(`tr:has-text("${name}") [data-status="SUCCEEDED"]`, { timeout: 30_000 });
  // Still the same document: nothing reloaded it.
  await expect(page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).resolves.toBe(1);
});

it('redrives a failed execution from its page: the same execution runs again and its events say so', async () => {
  const job = defaultJob(JOBS).name;
  await openList();
  await page.getByTestId(`input-${job}`).fill(JSON.stringify(WORKER_INPUT.fail));
  await page.getByTestId(`start-${job}`).click();
  await page.waitForSelector('.exec-head [data-status="FAILED"]', { timeout: 30_000 });
  const url = page.url();
  await page.getByTestId('redrive').click();
  // The worker fails again on the same input: what shows the redrive is the history, not the status.
  await page.waitForSelector('[data-testid="events"] li:has-text("ExecutionRedriven")', { timeout: 30_000 });
  await page.waitForSelector('.exec-head [data-status="FAILED"]', { timeout: 30_000 });
  expect(page.url()).toBe(url);
  await screenshot(`${job}-redriven`);
});

it('draws a caught failure: the throwing task failed-and-caught, the Fail state it led to reached and failed', async () => {
  // Prepare: prime-counter's first task refuses a range that ends before it starts; its Catch moves to
  // the Fail state "Invalid input" (statemachine/prime-counter.asl.json).
  await openList();
  await page.getByTestId('input-prime-counter').fill(JSON.stringify({ from: 5, to: 1 }));

  // Act
  await page.getByTestId('start-prime-counter').click();
  await page.waitForSelector('.exec-head [data-status="FAILED"]', { timeout: 30_000 });

  // Assess
  await page.waitForSelector('g.node[data-state="Split range"][data-state-status="caught"]');
  await page.waitForSelector('g.node[data-state="Invalid input"][data-state-status="failed"]');
  await expect(page.locator('g.node[data-state="Count chunks"]').getAttribute('data-state-status')).resolves.toBe(
    'not-reached',
  );
  await screenshot('prime-counter-caught');
});

it("shows each job's description and its example input in the start form", async () => {
  await openList();
  for (const job of JOBS) {
    await expect(page.getByTestId(`description-${job.name}`).textContent()).resolves.toBe(job.description);
    await expect(
      page
        .getByTestId(`input-${job.name}`)
        .inputValue()
        .then((v) => JSON.parse(v)),
    ).resolves.toEqual(job.exampleInput);
  }
});
