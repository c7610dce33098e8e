/**
 * End-to-end over real HTTP on loopback: the synthesized stack (API_AUTH=NONE) served by the local
 * runtime, driven as a user would with plain JSON requests and with the real @aws-sdk/client-sfn.
 */
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { INTERRUPTED } from '../../../local/runtime';
import { machineStartedBy } from '../../../local/terraform/model';
import { defaultJob } from '../../../stacks/job';
import { JOBS } from '../../../stacks/jobs';
import { type FaultyStack, faultyStack, WORKER_FAULTS, WORKER_INPUT } from '../../robustness/fault-injection';
import { postJson, startTestRuntime, synthesize, type TestRuntime, uniqueName, waitForEnd } from '../helpers';

jest.setTimeout(30_000);

/**
 * The default job's first function is wrapped with the fault injector, so executions that must run
 * a while or fail (WORKER_INPUT) need no particular job; any other input reaches the real function.
 */
const MAIN = defaultJob(JOBS);

describe('local runtime over HTTP (API_AUTH=NONE)', () => {
  let rt: TestRuntime;
  let sfn: SFNClient;
  const start = (body: unknown) => postJson(`${rt.url}/start-execution`, body);
  const describeExecution = (executionArn: string) => postJson(`${rt.url}/describe-execution`, { executionArn });
  let faulty: FaultyStack;

  beforeAll(async () => {
    faulty = faultyStack(synthesize(), { worker: { wrapper: WORKER_FAULTS } });
    rt = await startTestRuntime({ stack: faulty.stack });
    sfn = new SFNClient({ endpoint: rt.url, region: rt.runtime.model.region, credentials: rt.runtime.credentials });
  });
  afterAll(async () => {
    sfn?.destroy();
    await rt?.close();
    faulty?.remove();
  });

  it.each(JOBS.map((job) => [job.name, job] as const))(
    'job %s: its own route starts its machine with the example input, and the execution SUCCEEDS; describe and stop serve it',
    async (_name, job) => {
      // Act
      const started = await postJson(`${rt.url}/${job.name}/start-execution`, {
        input: job.exampleInput,
        name: uniqueName('each'),
      });
      const finished = await waitForEnd(() => describeExecution(started.body.executionArn), 30_000);
      const stopped = await postJson(`${rt.url}/stop-execution`, { executionArn: started.body.executionArn });

      // Assess
      expect(started.status).toBe(200);
      expect(started.body.executionArn).toMatch(
        new RegExp(`^arn:aws:states:us-east-1:123456789012:execution:async-api-dev-${job.name}:each-`),
      );
      expect(finished.body).toMatchObject({ status: 'SUCCEEDED', input: job.exampleInput });
      expect(stopped.status).toBe(200);
    },
    40_000,
  );

  it("lists each machine's executions only under that machine", async () => {
    // Act
    const lists = await Promise.all(
      rt.runtime.model.stateMachines.map((m) =>
        sfn.send(new ListExecutionsCommand({ stateMachineArn: m.arn, maxResults: 1000 })),
      ),
    );

    // Assess
    lists.forEach((list, i) => {
      const machine = rt.runtime.model.stateMachines[i]!;
      expect((list.executions ?? []).filter((e) => e.stateMachineArn !== machine.arn)).toEqual([]);
    });
  });

  it("starts an execution, describes it RUNNING with Retry-After, then SUCCEEDED with the function's output", async () => {
    // Act
    const started = await start({ input: WORKER_INPUT.hold(1000), name: uniqueName('run') });
    const running = await describeExecution(started.body.executionArn);
    const finished = await waitForEnd(() => describeExecution(started.body.executionArn));

    // Assess
    expect(started.status).toBe(200);
    expect(started.body.executionArn).toMatch(
      new RegExp(`^arn:aws:states:us-east-1:123456789012:execution:async-api-dev-${MAIN.name}:run-`),
    );
    expect(typeof started.body.startDate).toBe('number');
    expect(running.status).toBe(200);
    expect(running.body.status).toBe('RUNNING');
    expect(Number(running.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(finished.body).toMatchObject({ status: 'SUCCEEDED', input: WORKER_INPUT.hold(1000) });
    expect(finished.body.output).not.toBeNull();
    expect(finished.headers.get('retry-after')).toBeNull();
  });

  it('stops a running execution: ABORTED with the given error and cause', async () => {
    // Prepare
    const started = await start({ input: WORKER_INPUT.hold(30_000), name: uniqueName('stop') });

    // Act
    const stopped = await postJson(`${rt.url}/stop-execution`, {
      executionArn: started.body.executionArn,
      error: 'Hungry',
      cause: 'ate it raw',
    });
    const described = await describeExecution(started.body.executionArn);

    // Assess
    expect(stopped.status).toBe(200);
    expect(typeof stopped.body.stopDate).toBe('number');
    expect(described.body).toMatchObject({ status: 'ABORTED', error: 'Hungry', cause: 'ate it raw' });
  });

  it('ends FAILED with the worker error name and a cause when the worker fails', async () => {
    // Act
    const started = await start({ input: WORKER_INPUT.fail, name: uniqueName('bad') });
    const finished = await waitForEnd(() => describeExecution(started.body.executionArn));

    // Assess
    expect(finished.body).toMatchObject({ status: 'FAILED', error: 'WorkerBroke' });
    expect(JSON.parse(finished.body.cause)).toMatchObject({
      errorType: 'WorkerBroke',
      errorMessage: 'the worker broke on purpose',
    });
  });

  it('redrives a stopped execution through the SDK: SUCCEEDED under the same ARN, redriveCount 1, one history', async () => {
    // Prepare: the first function holds a second, so the stop finds the execution running.
    const started = await start({ input: WORKER_INPUT.hold(1000), name: uniqueName('redrive') });
    const { executionArn } = started.body;
    await postJson(`${rt.url}/stop-execution`, { executionArn });

    // Act
    const { redriveDate } = await sfn.send(new RedriveExecutionCommand({ executionArn }));
    const finished = await waitForEnd(() => describeExecution(executionArn));
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));

    // Assess
    expect(finished.body).toMatchObject({ executionArn, status: 'SUCCEEDED' });
    expect(described).toMatchObject({ redriveCount: 1, redriveDate, redriveStatus: 'NOT_REDRIVABLE' });
    const types = history.events!.map((e) => e.type);
    expect(types.indexOf('ExecutionRedriven')).toBe(types.indexOf('ExecutionAborted') + 1);
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(history.events!.map((e) => e.id)).toEqual(history.events!.map((_e, i) => i + 1));
    await expect(sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toMatchObject({
      name: 'ExecutionNotRedrivable',
    });
  });

  it('redrives a FAILED execution again and again under one ARN, counting each redrive', async () => {
    // Prepare: a worker that always fails.
    const started = await start({ input: WORKER_INPUT.fail, name: uniqueName('refail') });
    const { executionArn } = started.body;
    await waitForEnd(() => describeExecution(executionArn));

    // Act
    for (let i = 0; i < 2; i++) {
      await sfn.send(new RedriveExecutionCommand({ executionArn }));
      await waitForEnd(() => describeExecution(executionArn));
    }
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const listed = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: described.stateMachineArn, redriveFilter: 'REDRIVEN' }),
    );

    // Assess
    expect(described).toMatchObject({
      status: 'FAILED',
      error: 'WorkerBroke',
      redriveCount: 2,
      redriveStatus: 'REDRIVABLE',
    });
    expect(history.events!.filter((e) => e.type === 'ExecutionFailed')).toHaveLength(3);
    expect(
      history.events!.filter((e) => e.type === 'ExecutionRedriven').map((e) => e.executionRedrivenEventDetails),
    ).toEqual([{ redriveCount: 1 }, { redriveCount: 2 }]);
    expect(listed.executions).toContainEqual(expect.objectContaining({ executionArn, redriveCount: 2 }));
  });

  it('answers a repeated start with the same name and input with the same execution, and refuses a different input', async () => {
    // Prepare
    const name = uniqueName('same');

    // Act
    const first = await start({ input: WORKER_INPUT.hold(2000), name });
    const again = await start({ input: WORKER_INPUT.hold(2000), name });
    const conflict = await start({ input: WORKER_INPUT.hold(3000), name });
    await postJson(`${rt.url}/stop-execution`, { executionArn: first.body.executionArn });

    // Assess
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(conflict.status).toBe(400);
    expect(conflict.body.__type).toMatch(/#ExecutionAlreadyExists$/);
    expect(conflict.body.message).toBe(`Execution Already Exists: '${first.body.executionArn}'`);
  });

  it('refuses bad requests with the status and body AWS gives, without starting an execution', async () => {
    // Prepare
    const before = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: machineStartedBy(rt.runtime.model).arn, maxResults: 1000 }),
    );

    // Act
    const badName = await start({ input: {}, name: 'no spaces allowed' });
    const longName = await start({ input: {}, name: 'x'.repeat(81) });
    const notJson = await postJson(`${rt.url}/start-execution`, 'name=x');
    const tooBig = await start({ input: { blob: 'x'.repeat(300 * 1024) }, name: uniqueName('big') });
    const unknownRoute = await postJson(`${rt.url}/nothing-here`, {});
    const wrongMethod = await fetch(`${rt.url}/start-execution`);
    const foreignArn = await describeExecution('arn:aws:states:us-east-1:123456789012:execution:someone-else:x');
    const after = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: machineStartedBy(rt.runtime.model).arn, maxResults: 1000 }),
    );

    // Assess
    expect(badName.status).toBe(400);
    expect(badName.body).toEqual({
      __type: expect.stringMatching(/#InvalidName$/),
      message: "Invalid Name: 'no spaces allowed'",
    });
    expect(longName.body.__type).toMatch(/#InvalidName$/);
    expect(notJson).toMatchObject({ status: 400, body: { message: 'Bad Request' } });
    expect(tooBig).toMatchObject({ status: 400, body: { message: 'Bad Request' } });
    expect(unknownRoute).toMatchObject({ status: 404, body: { message: 'Not Found' } });
    expect(wrongMethod.status).toBe(404);
    expect(foreignArn.status).toBe(400);
    expect(after.executions?.length).toBe(before.executions?.length);
  });

  it('speaks the Step Functions API to the real @aws-sdk/client-sfn', async () => {
    // Prepare
    const stateMachineArn = machineStartedBy(rt.runtime.model).arn;

    // Act
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: uniqueName('sdk'), input: JSON.stringify(MAIN.exampleInput) }),
    );
    let described = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    for (let i = 0; i < 200 && described.status === 'RUNNING'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      described = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    }
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn! }));
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'SUCCEEDED' }));
    const machine = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    const missing = sfn.send(new DescribeExecutionCommand({ executionArn: `${started.executionArn!}-missing` }));

    // Assess
    expect(described.status).toBe('SUCCEEDED');
    expect(described.startDate).toBeInstanceOf(Date);
    expect(JSON.parse(described.input!)).toEqual(MAIN.exampleInput);
    expect(history.events?.[0]?.type).toBe('ExecutionStarted');
    expect(history.events?.at(-1)?.type).toBe('ExecutionSucceeded');
    expect(listed.executions?.some((e) => e.executionArn === started.executionArn)).toBe(true);
    expect(machine).toMatchObject({
      name: machineStartedBy(rt.runtime.model).name,
      type: 'STANDARD',
      status: 'ACTIVE',
    });
    expect(JSON.parse(machine.definition!).StartAt).toBeDefined();
    await expect(missing).rejects.toBeInstanceOf(ExecutionDoesNotExist);
  });

  it('writes one access-log line per request in the stage format', async () => {
    // Prepare
    const before = rt.accessLogs.length;

    // Act
    await postJson(`${rt.url}/nothing-here`, {});

    // Assess
    expect(rt.accessLogs).toHaveLength(before + 1);
    const line = JSON.parse(rt.accessLogs.at(-1)!);
    expect(line).toMatchObject({ httpMethod: 'POST', path: '/nothing-here', status: '404', routeKey: '-' });
  });
});

describe('local runtime restart', () => {
  it('keeps a finished execution and closes one cut off by the stop as ABORTED', async () => {
    // Prepare
    const faultyWorker = faultyStack(synthesize(), { worker: { wrapper: WORKER_FAULTS } });
    const first = await startTestRuntime({ stack: faultyWorker.stack });
    const done = await postJson(`${first.url}/start-execution`, { input: MAIN.exampleInput, name: uniqueName('keep') });
    await waitForEnd(() => postJson(`${first.url}/describe-execution`, { executionArn: done.body.executionArn }));
    const cut = await postJson(`${first.url}/start-execution`, {
      input: WORKER_INPUT.hold(30_000),
      name: uniqueName('cut'),
    });
    await first.close({ keepData: true });

    // Act
    const second = await startTestRuntime({ dataDir: first.dataDir, stack: faultyWorker.stack });
    try {
      const kept = await postJson(`${second.url}/describe-execution`, { executionArn: done.body.executionArn });
      const aborted = await postJson(`${second.url}/describe-execution`, { executionArn: cut.body.executionArn });

      // Assess
      expect(kept.body).toMatchObject({ status: 'SUCCEEDED', input: MAIN.exampleInput });
      expect(aborted.body).toMatchObject({
        status: 'ABORTED',
        error: INTERRUPTED.shutdownError,
        cause: INTERRUPTED.shutdownCause,
      });
    } finally {
      await second.close();
      faultyWorker.remove();
    }
  });
});
