/**
 * The execution store (SQLite): a data folder in the earlier JSON-lines format is migrated on first
 * open without losing an execution or an event; listing, filtering and paging are queries; history
 * reads are ranges; loading node:sqlite prints nothing.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATABASE_FILE, ExecutionStore } from '../../../local/stepfunctions/store';

const FIXTURE = join(__dirname, 'fixtures', 'jsonl-store');
const A = 'arn:aws:states:us-east-1:123456789012:stateMachine:async-api-dev-job-a';
const B = 'arn:aws:states:us-east-1:123456789012:stateMachine:async-api-dev-job-b';
const arn = (machine: string, name: string) => `${machine.replace(':stateMachine:', ':execution:')}:${name}`;
const INTERRUPTED = { error: 'LocalRuntime.Restarted', cause: 'cut off', now: 1_764_000_001_000 };

describe('ExecutionStore', () => {
  const dirs: string[] = [];
  const fresh = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'store-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('migrates a data folder of the JSON-lines format on first open, once, keeping every execution and event', () => {
    // Prepare: a copy of a folder the previous store wrote (two closed, one cut off, a torn last line).
    const dir = fresh();
    cpSync(FIXTURE, dir, { recursive: true });

    // Act
    const { store, aborted } = ExecutionStore.open(dir, INTERRUPTED);
    const listed = store.list({ limit: 10 }).executions.map((e) => e.name);
    const done = store.get(arn(A, 'done'));
    const doneHistory = store.history(arn(A, 'done'));
    const cutHistory = store.history(arn(A, 'cut'));
    const broke = store.get(arn(B, 'broke'));
    store.dispose();
    const again = ExecutionStore.open(dir, INTERRUPTED);

    // Assess
    expect(listed).toEqual(['cut', 'broke', 'done']);
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      startDate: 1_764_000_000_000,
      stopDate: 1_764_000_000_003,
      input: '{"seconds":0}',
      output: '{"message":"boiled"}',
      redriveCount: 0,
    });
    expect(doneHistory.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(doneHistory[1]).toMatchObject({ id: 2, previousEventId: 1, stateEnteredEventDetails: { name: 'Boil' } });
    expect(broke).toMatchObject({ status: 'FAILED', error: 'WorkerBroke', cause: 'on purpose' });
    expect(aborted.map((r) => r.name)).toEqual(['cut']);
    expect(cutHistory.map((e) => e.type)).toEqual(['ExecutionStarted', 'ExecutionAborted']);
    expect(existsSync(join(dir, 'executions.jsonl'))).toBe(false);
    expect(existsSync(join(dir, 'executions.jsonl.migrated'))).toBe(true);
    expect(existsSync(join(dir, DATABASE_FILE))).toBe(true);
    expect(again.store.size).toBe(3);
    expect(again.aborted).toEqual([]);
    expect(again.store.get(arn(A, 'cut'))).toMatchObject({ status: 'ABORTED', error: 'LocalRuntime.Restarted' });
    again.store.dispose();
  });

  it('lists newest first by machine, status and redrive, in pages that chain', () => {
    // Prepare: 25 executions over two machines, every third failed, one redriven.
    const { store } = ExecutionStore.open(fresh(), INTERRUPTED);
    for (let i = 0; i < 25; i++) {
      const machine = i % 2 === 0 ? A : B;
      const executionArn = arn(machine, `e${i}`);
      store.add(
        { executionArn, stateMachineArn: machine, name: `e${i}`, status: 'RUNNING', startDate: i, input: '{}' },
        { timestamp: i, type: 'ExecutionStarted' },
      );
      store.close(
        executionArn,
        i % 3 === 0 ? { status: 'FAILED', stopDate: i + 1 } : { status: 'SUCCEEDED', stopDate: i + 1, output: '1' },
        { timestamp: i + 1, type: i % 3 === 0 ? 'ExecutionFailed' : 'ExecutionSucceeded' },
      );
    }
    store.reopen(arn(A, 'e0'), 100, { timestamp: 100, type: 'ExecutionRedriven' });

    // Act
    const names: string[] = [];
    let before: number | undefined;
    for (;;) {
      const page = store.list({ stateMachineArn: A, limit: 4, ...(before !== undefined ? { before } : {}) });
      names.push(...page.executions.map((e) => e.name));
      if (!page.more) break;
      before = page.executions.at(-1)!.position;
    }
    const failedOnB = store.list({ stateMachineArn: B, status: 'FAILED', limit: 100 }).executions.map((e) => e.name);
    const redriven = store.list({ redriven: true, limit: 100 }).executions;

    // Assess
    expect(names).toEqual(['e24', 'e22', 'e20', 'e18', 'e16', 'e14', 'e12', 'e10', 'e8', 'e6', 'e4', 'e2', 'e0']);
    expect(failedOnB).toEqual(['e21', 'e15', 'e9', 'e3']);
    expect(redriven).toEqual([
      expect.objectContaining({ name: 'e0', status: 'RUNNING', redriveCount: 1, redriveDate: 100 }),
    ]);
    expect(store.historyLength(arn(A, 'e0'))).toBe(3);
    expect(store.events(arn(A, 'e0'), 2, 3).map((e) => [e.id, e.type])).toEqual([
      [2, 'ExecutionFailed'],
      [3, 'ExecutionRedriven'],
    ]);
    store.dispose();
  });

  it('answers a running execution from memory with exactly what its row holds, started or redriven, and a close from disk', () => {
    // Prepare: one started (with a field the row does not keep), one closed then redriven
    const { store } = ExecutionStore.open(fresh(), INTERRUPTED);
    const started = arn(A, 'started');
    const redriven = arn(A, 'redriven');
    const extra = { output: 'not a field of a running execution' };
    const startedRow = {
      executionArn: started,
      stateMachineArn: A,
      name: 'started',
      status: 'RUNNING',
      startDate: 5,
      input: '{"a":1}',
    } as const;
    store.add({ ...startedRow, ...extra }, { timestamp: 5, type: 'ExecutionStarted' });
    store.add(
      { executionArn: redriven, stateMachineArn: A, name: 'redriven', status: 'RUNNING', startDate: 6, input: '{}' },
      { timestamp: 6, type: 'ExecutionStarted' },
    );
    store.close(
      redriven,
      { status: 'FAILED', stopDate: 7, error: 'E', cause: 'C' },
      { timestamp: 7, type: 'ExecutionFailed' },
    );
    store.reopen(redriven, 8, { timestamp: 8, type: 'ExecutionRedriven' });
    store.flush();
    const fromDisk = (executionArn: string) => {
      const { position: _p, ...record } = store
        .list({ limit: 10 })
        .executions.find((e) => e.executionArn === executionArn)!;
      return record;
    };

    // Act
    const answers = [store.get(started), store.get(redriven)];
    const rows = [fromDisk(started), fromDisk(redriven)];
    store.close(
      started,
      { status: 'SUCCEEDED', stopDate: 9, output: '2' },
      { timestamp: 9, type: 'ExecutionSucceeded' },
    );
    const closed = store.get(started);

    // Assess
    expect(answers).toStrictEqual(rows);
    expect(answers[0]).toStrictEqual({ ...startedRow, redriveCount: 0 });
    expect(answers[1]).toMatchObject({ status: 'RUNNING', redriveCount: 1, redriveDate: 8 });
    expect(closed).toStrictEqual({ ...rows[0], status: 'SUCCEEDED', stopDate: 9, output: '2' });
    store.dispose();
  });

  it('loads node:sqlite without printing its ExperimentalWarning', () => {
    // Act: a process of its own, as `npm start` is.
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `const { ExecutionStore } = require(${JSON.stringify(join(__dirname, '../../../local/stepfunctions/store.ts'))});
         const { store } = ExecutionStore.open(process.argv[1], { error: 'e', cause: 'c', now: 0 });
         store.dispose();
         process.stdout.write('opened');`,
        fresh(),
      ],
      { encoding: 'utf8', cwd: join(__dirname, '../../..') },
    );

    // Assess
    expect(child.stdout).toBe('opened');
    expect(child.stderr).toBe('');
  });
});
