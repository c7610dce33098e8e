/**
 * The dashboard with 10,000 executions in the store (issue 15): how long until the list page and an
 * execution's page are interactive, measured in Debian's Chromium as `performance.now()` (from the
 * start of navigation) when the page marks itself ready, i.e. its data is drawn and its controls work.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openChromium } from '../local/dashboard/chromium';
import { DASHBOARD_PATH } from '../local/dashboard/server';
import { INTERRUPTED, SILENT_LOGS, startRuntime } from '../local/runtime';
import { ExecutionStore } from '../local/stepfunctions/store';
import { synthIfStale } from '../local/synth';
import { buildStackModel } from '../local/terraform/model';
import { loadSynthesizedStack } from '../local/terraform/stack';
import type { BenchContext, GroupResult } from './context';
import { MEASURE_SETTINGS } from './measure/runtime-process';
import { sampleFigure } from './report';

/** Executions seeded into the store. */
export const SEEDED_EXECUTIONS = 10_000;

/** Measures the list and execution pages `ctx.runs` times each (a fresh page load every time). */
export async function benchDashboard(ctx: BenchContext): Promise<GroupResult> {
  const work = mkdtempSync(join(tmpdir(), 'async-api-bench-dashboard-'));
  try {
    const outdir = join(work, 'cdktf.out');
    synthIfStale({ repoRoot: ctx.repoRoot, outdir, env: { ...ctx.env, ...MEASURE_SETTINGS } });
    const dataDir = join(work, 'data');
    const arns = seed(outdir, dataDir);
    ctx.log(`dashboard: ${arns.length} executions seeded`);
    const runtime = await startRuntime({
      outdir,
      port: 0,
      dataDir,
      ...SILENT_LOGS,
    });
    const browser = await openChromium(join(work, 'profile'));
    const list: number[] = [];
    const execution: number[] = [];
    try {
      const page = await browser.newPage();
      const ready = async (url: string, view: string): Promise<number> => {
        await page.goto('about:blank');
        await page.goto(url);
        await page.waitForSelector(`body[data-ready="${view}"]`, { timeout: 30_000 });
        return page.evaluate(() =>
          Number(
            (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body
              .dataset['readyAt'],
          ),
        );
      };
      // One warm-up of each: the first request bundles the front end.
      await ready(`${runtime.dashboardUrl}`, 'list');
      for (let i = 0; i < ctx.runs; i++) {
        list.push(await ready(`${runtime.dashboardUrl}`, 'list'));
        const arn = arns[Math.floor(arns.length / 2) + i]!;
        execution.push(
          await ready(`${runtime.url}${DASHBOARD_PATH}#/execution/${encodeURIComponent(arn)}`, 'execution'),
        );
      }
    } finally {
      await browser.close();
      await runtime.close();
    }
    return {
      figures: [
        sampleFigure(
          {
            id: 'dashboard.list.interactive',
            label: `dashboard list page interactive, ${SEEDED_EXECUTIONS} executions`,
            unit: 'ms',
            target: { max: 500, text: '≤ 500 ms' },
          },
          list,
        ),
        sampleFigure(
          {
            id: 'dashboard.execution.interactive',
            label: `dashboard execution page interactive, ${SEEDED_EXECUTIONS} executions`,
            unit: 'ms',
            target: { max: 300, text: '≤ 300 ms' },
          },
          execution,
        ),
      ],
      raw: { list, execution },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// Writes finished executions spread over every state machine into a new store, as the runtime would.
function seed(outdir: string, dataDir: string): string[] {
  const { doc, stackDir } = loadSynthesizedStack(outdir);
  const model = buildStackModel(doc, stackDir, {
    accountId: '123456789012',
    partition: 'aws',
    apiEndpoint: 'http://127.0.0.1',
  });
  const { store } = ExecutionStore.open(join(dataDir, 'executions'), {
    error: INTERRUPTED.restartError,
    cause: INTERRUPTED.restartCause,
    now: Date.now(),
  });
  const arns: string[] = [];
  const t0 = Date.now() - SEEDED_EXECUTIONS * 1000;
  for (let i = 0; i < SEEDED_EXECUTIONS; i++) {
    const machine = model.stateMachines[i % model.stateMachines.length]!;
    const name = `seeded-${i}`;
    const executionArn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const startDate = t0 + i * 1000;
    const input = '{}';
    store.add(
      { executionArn, stateMachineArn: machine.arn, name, status: 'RUNNING', startDate, input },
      {
        timestamp: startDate,
        type: 'ExecutionStarted',
        executionStartedEventDetails: { input, roleArn: machine.roleArn },
      },
    );
    const failed = i % 7 === 0;
    store.close(
      executionArn,
      failed
        ? { status: 'FAILED', stopDate: startDate + 500, error: 'WorkerBroke', cause: 'seeded' }
        : { status: 'SUCCEEDED', stopDate: startDate + 500, output: '{"ok":true}' },
      failed
        ? {
            timestamp: startDate + 500,
            type: 'ExecutionFailed',
            executionFailedEventDetails: { error: 'WorkerBroke', cause: 'seeded' },
          }
        : {
            timestamp: startDate + 500,
            type: 'ExecutionSucceeded',
            executionSucceededEventDetails: { output: '{"ok":true}' },
          },
    );
    arns.push(executionArn);
  }
  store.dispose();
  return arns;
}
