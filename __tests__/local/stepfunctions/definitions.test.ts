/**
 * Each execution is drawn from the definition it ran: the local store keeps every definition text
 * once, each execution its revision, and DescribeStateMachineForExecution (what the dashboard draws
 * from) answers it after a watch-mode reload and after a restart, while DescribeStateMachine answers
 * today's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DASHBOARD_PATH } from '../../../local/dashboard/server';
import { DEFINITIONS_FILE, DefinitionRevisions, KEPT_IDS } from '../../../local/stepfunctions/definitions';
import { DatabaseSync } from '../../../local/stepfunctions/sqlite';
import { DATABASE_FILE, ExecutionStore } from '../../../local/stepfunctions/store';
import type { TerraformJson } from '../../../local/terraform/document';
import { machineStartedBy } from '../../../local/terraform/model';
import { loadSynthesizedStack } from '../../../local/terraform/stack';
import { defaultJob } from '../../../stacks/job';
import { JOBS } from '../../../stacks/jobs';
import { startTestRuntime, synthesize, type TestRuntime, uniqueName } from '../helpers';

jest.setTimeout(60_000);

const DEV = { kind: 'developer' } as const;
const ARN = 'arn:aws:states:us-east-1:123456789012:execution:m:run-1';
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:m';

describe('DefinitionRevisions', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'async-api-definitions-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps each definition text once, under one id, with the date it was first kept, across a reopen', () => {
    // Prepare
    const revisions = new DefinitionRevisions(dir);

    // Act
    const a = revisions.keep('{"StartAt":"A"}', 1000);
    const again = revisions.keep('{"StartAt":"A"}', 2000);
    const b = revisions.keep('{"StartAt":"B"}', 3000);
    revisions.dispose();
    const reopened = new DefinitionRevisions(dir);
    const aAfterReopen = reopened.keep('{"StartAt":"A"}', 4000);

    // Assess
    expect(again).toBe(a);
    expect(b).not.toBe(a);
    expect(aAfterReopen).toBe(a);
    expect(reopened.revision(a)).toEqual({ definition: '{"StartAt":"A"}', firstServed: 1000 });
    expect(reopened.revision(b)).toEqual({ definition: '{"StartAt":"B"}', firstServed: 3000 });
    expect(reopened.revision('0'.repeat(64))).toBeUndefined();
    reopened.dispose();
  });

  it('holds at most KEPT_IDS texts in memory, and a text forgotten there keeps its id and first date', () => {
    // Prepare: one text more than are held (watch mode serves a new text per edit)
    const revisions = new DefinitionRevisions(dir);
    const texts = Array.from({ length: KEPT_IDS + 1 }, (_, i) => `{"StartAt":"S${i}"}`);

    // Act
    const ids = texts.map((text, i) => revisions.keep(text, 1000 + i));
    const atBound = revisions.textsInMemory;
    const firstAgain = revisions.keep(texts[0]!, 9999);

    // Assess
    expect(atBound).toBe(KEPT_IDS);
    expect(revisions.textsInMemory).toBe(KEPT_IDS);
    expect(new Set(ids).size).toBe(KEPT_IDS + 1);
    expect(firstAgain).toBe(ids[0]);
    expect(revisions.revision(ids[0]!)).toEqual({ definition: texts[0], firstServed: 1000 });
    revisions.dispose();
  });

  it('still answers an execution recorded in the earlier per-execution table, and no other', () => {
    // Prepare: a folder written before executions kept their revision in the store's row
    const revisions = new DefinitionRevisions(dir);
    const id = revisions.keep('{"StartAt":"Old"}', 500);
    const db = new DatabaseSync(join(dir, DEFINITIONS_FILE));
    db.prepare('INSERT INTO executions (arn, revision) VALUES (?, ?)').run(ARN, id);
    db.close();

    // Act
    const recorded = revisions.of(ARN);
    const other = revisions.of(`${ARN}-2`);

    // Assess
    expect(recorded).toEqual({ definition: '{"StartAt":"Old"}', firstServed: 500 });
    expect(other).toBeUndefined();
    revisions.dispose();
  });
});

describe("an execution's revision in the store", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'async-api-revision-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const INTERRUPTED = { error: 'E', cause: 'C', now: 10 };
  const record = {
    executionArn: ARN,
    stateMachineArn: MACHINE,
    name: 'run-1',
    status: 'RUNNING',
    startDate: 1,
    input: '{}',
  } as const;

  it("is kept in the execution's row, across a close, a redrive and a reopen of the folder", () => {
    // Prepare
    const { store } = ExecutionStore.open(dir, INTERRUPTED);
    store.add(record, { timestamp: 1, type: 'ExecutionStarted' }, 'rev-a');
    store.add(
      { ...record, executionArn: `${ARN}-none`, name: 'run-1-none' },
      { timestamp: 1, type: 'ExecutionStarted' },
    );

    // Act
    const running = store.revisionOf(ARN);
    store.close(ARN, { status: 'FAILED', stopDate: 2 }, { timestamp: 2, type: 'ExecutionFailed' });
    store.reopen(ARN, 3, { timestamp: 3, type: 'ExecutionRedriven' });
    const redriven = store.revisionOf(ARN);
    store.dispose();
    const again = ExecutionStore.open(dir, INTERRUPTED).store;

    // Assess
    expect(running).toBe('rev-a');
    expect(redriven).toBe('rev-a');
    expect(again.revisionOf(ARN)).toBe('rev-a');
    expect(again.revisionOf(`${ARN}-none`)).toBeUndefined();
    expect(again.revisionOf(`${ARN}-unknown`)).toBeUndefined();
    again.dispose();
  });

  it('is a column a store written before it gains on open, keeping every execution', () => {
    // Prepare: the executions table as it was before the column existed, with one execution
    const db = new DatabaseSync(join(dir, DATABASE_FILE));
    db.exec(`CREATE TABLE executions (seq INTEGER PRIMARY KEY AUTOINCREMENT, arn TEXT NOT NULL UNIQUE, machine TEXT NOT NULL,
      name TEXT NOT NULL, status TEXT NOT NULL, start_date INTEGER NOT NULL, stop_date INTEGER, input TEXT NOT NULL,
      output TEXT, error TEXT, cause TEXT, redrive_count INTEGER NOT NULL DEFAULT 0, redrive_date INTEGER)`);
    db.prepare(
      "INSERT INTO executions (arn, machine, name, status, start_date, stop_date, input, output) VALUES (?, ?, 'old', 'SUCCEEDED', 1, 2, '{}', '1')",
    ).run(`${ARN}-old`, MACHINE);
    db.close();

    // Act
    const { store } = ExecutionStore.open(dir, INTERRUPTED);
    store.add(record, { timestamp: 1, type: 'ExecutionStarted' }, 'rev-b');
    store.flush();

    // Assess
    expect(store.get(`${ARN}-old`)).toMatchObject({ name: 'old', status: 'SUCCEEDED', output: '1' });
    expect(store.revisionOf(`${ARN}-old`)).toBeUndefined();
    expect(store.revisionOf(ARN)).toBe('rev-b');
    store.dispose();
  });
});

describe('an execution after its definition changed', () => {
  const job = defaultJob(JOBS);
  let rt: TestRuntime | undefined;
  let dataDir: string;
  let machineArn: string;
  let first: string;
  let original: Record<string, unknown>;

  /** The served stack with the default job's first state renamed (an edit in watch mode). */
  function renamed(): { doc: TerraformJson; stackDir: string; startAt: string } {
    const read = loadSynthesizedStack(synthesize());
    const doc = structuredClone(read.doc) as TerraformJson & {
      resource: Record<string, Record<string, Record<string, unknown>>>;
    };
    let startAt = '';
    for (const machine of Object.values(doc.resource['aws_sfn_state_machine'] ?? {})) {
      if (!String(machine['name']).endsWith(`-${job.name}`)) continue;
      const definition = JSON.parse(String(machine['definition'])) as {
        StartAt: string;
        States: Record<string, unknown>;
      };
      startAt = `${definition.StartAt} (renamed)`;
      const text = JSON.stringify(definition).replaceAll(JSON.stringify(definition.StartAt), JSON.stringify(startAt));
      machine['definition'] = text;
    }
    return { doc, stackDir: read.stackDir, startAt };
  }

  const run = async (runtime: TestRuntime): Promise<string> => {
    const { executionArn } = (await runtime.runtime.sfn.call('StartExecution', DEV, {
      stateMachineArn: machineArn,
      name: uniqueName('drawn'),
      input: JSON.stringify(job.exampleInput),
    })) as { executionArn: string };
    return executionArn;
  };
  const ran = async (runtime: TestRuntime, executionArn: string) => {
    const answer = (await runtime.runtime.sfn.call('DescribeStateMachineForExecution', DEV, { executionArn })) as {
      definition: string;
    };
    return JSON.parse(answer.definition) as { StartAt: string; States: Record<string, unknown> };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'async-api-drawn-'));
    rt = await startTestRuntime({ dataDir });
    machineArn = rt.runtime.model.stateMachines.find((m) => m.name.endsWith(`-${job.name}`))!.arn;
    original = JSON.parse(machineStartedBy(rt.runtime.model).definitionText);
    first = await run(rt);
  });
  afterAll(async () => {
    await rt?.close({ keepData: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is described, and drawn by the dashboard, with the definition it ran; the machine with today’s', async () => {
    // Act: the edit, then a second execution on the new definition
    const edit = renamed();
    await rt!.runtime.reload({ stack: { doc: edit.doc, stackDir: edit.stackDir } });
    const second = await run(rt!);
    const today = (await rt!.runtime.sfn.call('DescribeStateMachine', DEV, { stateMachineArn: machineArn })) as {
      definition: string;
    };
    const drawn = (await (
      await fetch(`${rt!.url}${DASHBOARD_PATH}api/execution?arn=${encodeURIComponent(first)}`)
    ).json()) as { definition: { StartAt: string } };

    // Assess
    expect((await ran(rt!, first)).StartAt).toBe((original as { StartAt: string }).StartAt);
    expect(drawn.definition.StartAt).toBe((original as { StartAt: string }).StartAt);
    expect((await ran(rt!, second)).StartAt).toBe(edit.startAt);
    expect(JSON.parse(today.definition).StartAt).toBe(edit.startAt);
  });

  it('keeps what each execution ran across a restart serving yet another definition', async () => {
    // Prepare: the second execution ran the renamed definition; the restart serves the original
    const second = (
      (await rt!.runtime.sfn.call('ListExecutions', DEV, { stateMachineArn: machineArn, maxResults: 1 })) as {
        executions: { executionArn: string }[];
      }
    ).executions[0]!.executionArn;
    await rt!.close({ keepData: true });

    // Act
    rt = await startTestRuntime({ dataDir });

    // Assess
    expect((await ran(rt, first)).StartAt).toBe((original as { StartAt: string }).StartAt);
    expect((await ran(rt, second)).StartAt).toMatch(/\(renamed\)$/);
  });
});
