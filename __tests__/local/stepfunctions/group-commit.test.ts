/**
 * Group commit (write-batch.ts, store.ts, service.ts): writes of one turn of the event loop share one
 * transaction, and nothing is answered or announced before its commit. A second connection to the
 * database file sees only committed data, so it stands for what survives a kill of the process.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from '../../../local/stepfunctions/sqlite';
import { DATABASE_FILE } from '../../../local/stepfunctions/store';
import { WriteBatch } from '../../../local/stepfunctions/write-batch';
import { DEFINITION, DEV, FN, hang, MACHINE, ok, releaseHungInvocations, setup, untilClosed } from './service-fixture';

describe('WriteBatch', () => {
  it('runs the writes of one turn in one transaction, then their bookkeeping, the waiters and the subscribers', async () => {
    // Prepare
    const log: string[] = [];
    const batch = new WriteBatch((body) => {
      log.push('begin');
      body();
      log.push('commit');
    });

    // Act
    for (const n of [1, 2, 3])
      batch.write(
        () => log.push(`write ${n}`),
        () => log.push(`done ${n}`),
        () => log.push('undo'),
      );
    batch.afterCommit(() => log.push('subscriber'));
    const pendingBefore = batch.pending;
    const committed = batch.committed().then(() => log.push('answered'));
    const beforeTurnEnds = [...log];
    await committed;

    // Assess
    expect(pendingBefore).toBe(true);
    expect(beforeTurnEnds).toEqual([]);
    expect(log).toEqual([
      'begin',
      'write 1',
      'write 2',
      'write 3',
      'commit',
      'done 1',
      'done 2',
      'done 3',
      'subscriber',
      'answered',
    ]);
    expect(batch.pending).toBe(false);
  });

  it('undoes the writes, rejects the waiters and tells no subscriber when the transaction fails', async () => {
    // Prepare
    const log: string[] = [];
    const batch = new WriteBatch(() => {
      throw new Error('disk full');
    });
    batch.write(
      () => undefined,
      () => log.push('done'),
      () => log.push('undo'),
    );
    batch.afterCommit(() => log.push('subscriber'));

    // Act
    const outcome = await batch.committed().then(
      () => 'answered',
      (err: Error) => err.message,
    );

    // Assess
    expect(outcome).toBe('disk full');
    expect(log).toEqual(['undo']);
    expect(batch.pending).toBe(false);
  });

  it('calls a subscriber at once and resolves at once when nothing is queued', async () => {
    const batch = new WriteBatch((body) => body());
    const log: string[] = [];
    batch.afterCommit(() => log.push('now'));
    await batch.committed();
    expect(log).toEqual(['now']);
  });
});

/**
 * One task given the execution's ARN instead of the input, and no Catch: a failed run fails in the
 * task, so a redrive invokes it again.
 */
const { Catch: _caught, ...WORK } = DEFINITION.States.Work;
const WITH_EXECUTION_ARN = {
  definition: {
    StartAt: 'Work',
    States: { Work: { ...WORK, Parameters: { FunctionName: FN, Payload: { 'executionArn.$': '$$.Execution.Id' } } } },
  },
};

describe('the service over the batched store', () => {
  const dirs: string[] = [];
  const readers: DatabaseSync[] = [];
  afterAll(() => {
    releaseHungInvocations();
    for (const r of readers) r.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const readerOf = (dir: string) => {
    const db = new DatabaseSync(join(dir, DATABASE_FILE), { readOnly: true });
    readers.push(db);
    const status = db.prepare('SELECT status FROM executions WHERE arn = ?');
    return (arn: string) => (status.get(arn) as { status: string } | undefined)?.status;
  };

  it('answers each of many concurrent starts only once it is on disk', async () => {
    // Prepare: executions that keep running, and a second connection that sees only committed rows
    const s = await setup(() => hang());
    dirs.push(s.dir);
    const committedStatus = readerOf(s.dir);

    // Act: 50 starts in one turn; each answer checks the other connection at the moment it arrives
    const seenAtAnswer = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        s.service
          .startExecution(DEV, { stateMachineArn: MACHINE, name: `many-${i}`, input: '{}' })
          .then((r) => committedStatus(r.executionArn)),
      ),
    );

    // Assess
    expect(seenAtAnswer).toEqual(Array.from({ length: 50 }, () => 'RUNNING'));
    s.store.dispose();
  });

  it('runs nothing for an execution before its start is on disk, started or redriven', async () => {
    // Prepare: a worker that records, when invoked, what the other connection sees of its execution
    const seenAtInvoke: Array<string | undefined> = [];
    let committedStatus: (arn: string) => string | undefined = () => undefined;
    const s = await setup((request, call) => {
      const { executionArn } = request.payload as { executionArn: string };
      seenAtInvoke.push(committedStatus(executionArn));
      if (call === 2)
        return { ...ok({ errorType: 'Boom', errorMessage: 'the first run fails' }), functionError: 'Unhandled' };
      return ok({ done: true });
    }, WITH_EXECUTION_ARN);
    dirs.push(s.dir);
    committedStatus = readerOf(s.dir);

    // Act: once the IAM decisions are cached (so an invocation could come within the same turn), a start
    // that fails, then its redrive
    const warm = await s.service.startExecution(DEV, { stateMachineArn: MACHINE, name: 'warm', input: '{}' });
    await untilClosed(s.service, warm.executionArn);
    seenAtInvoke.length = 0;
    const { executionArn } = await s.service.startExecution(DEV, {
      stateMachineArn: MACHINE,
      name: 'stored-first',
      input: '{}',
    });
    const failed = await untilClosed(s.service, executionArn);
    await s.service.redriveExecution(DEV, { executionArn });
    const redriven = await untilClosed(s.service, executionArn);

    // Assess: each invocation saw its execution RUNNING on disk
    expect(failed['status']).toBe('FAILED');
    expect(redriven['status']).toBe('SUCCEEDED');
    expect(seenAtInvoke).toEqual(['RUNNING', 'RUNNING']);
    s.store.dispose();
  });

  it('runs nothing for a start stopped while its commit was under way', async () => {
    // Prepare: the store's commit lets a StopExecution in before the service goes on
    const s = await setup(() => ok({ done: true }));
    dirs.push(s.dir);
    const executionArn = `${MACHINE.replace(':stateMachine:', ':execution:')}:stopped-early`;
    const commit = s.store.committed.bind(s.store);
    let stopped = false;
    s.store.committed = async () => {
      await commit();
      if (!stopped) {
        stopped = true;
        await s.service.stopExecution(DEV, { executionArn });
      }
    };

    // Act: then a second execution, whose worker runs after any the first would have started
    await s.service.startExecution(DEV, { stateMachineArn: MACHINE, name: 'stopped-early', input: '{}' });
    const described = await untilClosed(s.service, executionArn);
    const witness = await s.service.startExecution(DEV, { stateMachineArn: MACHINE, name: 'witness', input: '{}' });
    const witnessed = await untilClosed(s.service, witness.executionArn);

    // Assess: the one worker invocation is the second execution's
    expect(stopped).toBe(true);
    expect(described['status']).toBe('ABORTED');
    expect(witnessed['status']).toBe('SUCCEEDED');
    expect(s.lambda.calls).toHaveLength(1);
    s.store.dispose();
  });

  it('announces a status change only once it is on disk, and a read never shows an uncommitted close', async () => {
    // Prepare
    const s = await setup(() => ok({ message: 'boiled' }));
    dirs.push(s.dir);
    const committedStatus = readerOf(s.dir);
    const heard: Array<{ status: string; onDisk: string | undefined }> = [];
    s.service.onStatusChange((change) =>
      heard.push({ status: change.status, onDisk: committedStatus(change.executionArn) }),
    );

    // Act
    const { executionArn } = await s.service.startExecution(DEV, {
      stateMachineArn: MACHINE,
      name: 'heard',
      input: '{}',
    });
    const described = await untilClosed(s.service, executionArn);
    const onDiskWhenDescribed = committedStatus(executionArn);

    // Assess
    expect(described['status']).toBe('SUCCEEDED');
    expect(onDiskWhenDescribed).toBe('SUCCEEDED');
    expect(heard).toEqual([
      { status: 'RUNNING', onDisk: 'RUNNING' },
      { status: 'SUCCEEDED', onDisk: 'SUCCEEDED' },
    ]);
    s.store.dispose();
  });
});
