/**
 * Issue 13 end to end over HTTP: the synthesized stack (API_AUTH=NONE) served by the local runtime,
 * its list, history and describe-progress routes driven with plain JSON requests, and each route's
 * bad input answered 4xx without changing anything. Jobs come from the registry.
 */
import { DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { defaultJob } from '../../../stacks/job';
import { JOBS } from '../../../stacks/jobs';
import { type FaultyStack, faultyStack, WORKER_FAULTS, WORKER_INPUT } from '../../robustness/fault-injection';
import { waitUntil } from '../../wait';
import {
  type JsonResponse,
  postJson,
  startTestRuntime,
  synthesize,
  type TestRuntime,
  uniqueName,
  waitForEnd,
} from '../helpers';

jest.setTimeout(60_000);

const MAIN = defaultJob(JOBS);
/** Executions started per job before the listing tests. */
const PER_JOB = 3;

describe('list, history and progress over HTTP (API_AUTH=NONE)', () => {
  let rt: TestRuntime;
  let faulty: FaultyStack;
  /** Every execution this file started, by job. */
  const started: Record<string, string[]> = {};
  const post = (route: string, body: unknown) => postJson(`${rt.url}/${route}`, body);
  const describeExecution = (executionArn: string) => post('describe-execution', { executionArn });

  async function listAll(request: Record<string, unknown>): Promise<{ pages: JsonResponse[]; items: any[] }> {
    const pages: JsonResponse[] = [];
    let nextToken: string | null = null;
    do {
      const page = await post('list-executions', { ...request, ...(nextToken ? { nextToken } : {}) });
      pages.push(page);
      if (page.status !== 200) break;
      nextToken = page.body.nextToken;
    } while (nextToken !== null && pages.length < 100);
    return { pages, items: pages.flatMap((p) => p.body.executions ?? []) };
  }

  beforeAll(async () => {
    faulty = faultyStack(synthesize(), { worker: { wrapper: WORKER_FAULTS } });
    rt = await startTestRuntime({ stack: faulty.stack });
    for (const job of JOBS) {
      started[job.name] = [];
      for (let i = 0; i < PER_JOB; i++) {
        const r = await post(`${job.name}/start-execution`, { input: job.exampleInput, name: uniqueName('list') });
        expect(r.status).toBe(200);
        started[job.name]!.push(r.body.executionArn);
      }
    }
    for (const arns of Object.values(started))
      for (const arn of arns) await waitForEnd(() => describeExecution(arn), 30_000);
  });
  afterAll(async () => {
    await rt?.close();
    faulty?.remove();
  });

  it('lists every job, newest first, across pages that chain, each execution once', async () => {
    // Act
    const { pages, items } = await listAll({ maxResults: 2 });

    // Assess
    expect(pages.every((p) => p.status === 200)).toBe(true);
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil((JOBS.length * PER_JOB) / 2));
    expect(pages.slice(0, -1).every((p) => p.body.executions.length === 2)).toBe(true);
    const arns = items.map((e) => e.executionArn);
    expect(new Set(arns).size).toBe(arns.length);
    expect(new Set(arns)).toEqual(new Set(Object.values(started).flat()));
    const starts = items.map((e) => Date.parse(e.startDate));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual(['executionArn', 'job', 'name', 'startDate', 'status', 'stopDate']);
      expect(started[item.job]).toContain(item.executionArn);
    }
  });

  it.each(JOBS.map((job) => [job.name]))('lists job %s alone, and by status', async (job) => {
    // Act
    const all = await listAll({ job, maxResults: 1 });
    const succeeded = await listAll({ job, status: 'SUCCEEDED' });
    const failed = await listAll({ job, status: 'FAILED' });

    // Assess
    expect(new Set(all.items.map((e) => e.executionArn))).toEqual(new Set(started[job]));
    expect(all.pages).toHaveLength(PER_JOB);
    expect(succeeded.items.map((e) => e.executionArn).sort()).toEqual([...started[job]!].sort());
    expect(failed.items).toEqual([]);
  });

  it('pages history oldest or newest first, and the pages chain to the whole history', async () => {
    // Prepare
    const executionArn = started[MAIN.name]![0]!;
    const read = async (reverseOrder: boolean) => {
      const events: any[] = [];
      let nextToken: string | null = null;
      do {
        const page: JsonResponse = await post('get-execution-history', {
          executionArn,
          maxResults: 3,
          reverseOrder,
          ...(nextToken ? { nextToken } : {}),
        });
        expect(page.status).toBe(200);
        events.push(...page.body.events);
        nextToken = page.body.nextToken;
      } while (nextToken !== null && events.length < 10_000);
      return events;
    };

    // Act
    const oldestFirst = await read(false);
    const newestFirst = await read(true);

    // Assess
    expect(oldestFirst.length).toBeGreaterThan(3);
    expect(oldestFirst.map((e) => e.id)).toEqual(oldestFirst.map((_e, i) => i + 1));
    expect(newestFirst.map((e) => e.id)).toEqual(oldestFirst.map((e) => e.id).reverse());
    expect(oldestFirst[0]).toMatchObject({ type: 'ExecutionStarted', previousEventId: 0 });
    expect(oldestFirst.at(-1).type).toBe('ExecutionSucceeded');
    expect(typeof oldestFirst[0].timestamp).toBe('string');
  });

  it("describes a RUNNING multi-step execution with the state it is in, from the machine's own states", async () => {
    // Prepare: the default job's first function holds, so the execution stays in its first Task.
    // It holds far longer than the test needs and is stopped at the end: a loaded machine cannot see it end first.
    const run = await post('start-execution', { input: WORKER_INPUT.hold(60_000), name: uniqueName('progress') });
    const sfn = new SFNClient({
      endpoint: rt.url,
      region: rt.runtime.model.region,
      credentials: rt.runtime.credentials,
    });
    const machine = rt.runtime.model.stateMachines.find((m) => run.body.executionArn.includes(`:${m.name}:`))!;
    const { definition } = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machine.arn }));
    sfn.destroy();
    const states = JSON.parse(definition!).States as Record<string, { Type: string }>;

    // Act: the first describe may come before the Task is entered.
    let described: JsonResponse | undefined;
    await waitUntil(async () => {
      described = await describeExecution(run.body.executionArn);
      return (described.body.progress?.states ?? []).length > 0;
    }, 'the execution to be in a state');
    if (described === undefined) throw new Error('never described');

    // Assess
    expect(described.status).toBe(200);
    expect(described.body.status).toBe('RUNNING');
    expect(described.body.progress).toMatchObject({ complete: true, historyCalls: 1 });
    const running = described.body.progress.states;
    expect(running).toHaveLength(1);
    expect(states[running[0].name]?.Type).toBe('Task');
    expect(Date.parse(running[0].since)).toBeGreaterThanOrEqual(Date.parse(described.body.startDate));
    await post('stop-execution', { executionArn: run.body.executionArn });
  });

  describe('bad input: 4xx with a message saying what was wrong, and nothing changed', () => {
    const foreign = `arn:aws:states:us-east-1:123456789012:execution:someone-elses-machine:x`;
    it.each([
      ['list-executions', { job: 'no-such-job' }, 400, /^job must be one of /],
      ['list-executions', { status: 'DONE' }, 400, /^status must be one of /],
      ['list-executions', { maxResults: 0 }, 400, /^maxResults must be an integer from 1 to 100; got 0$/],
      ['list-executions', { maxResults: 101 }, 400, /^maxResults must be an integer from 1 to 100; got 101$/],
      ['list-executions', { nextToken: 'forged' }, 400, /^nextToken is not a token this API issued$/],
      ['list-executions', '{"job": ', 400, /^Request body is not valid JSON/],
      ['get-execution-history', { executionArn: 'arn:aws:states:nope' }, 400, /^executionArn must look like /],
      ['get-execution-history', { executionArn: foreign }, 400, /^executionArn must be an execution of one of this/],
      ['get-execution-history', {}, 400, /^executionArn is required/],
      ['redrive-execution', { executionArn: foreign }, 400, /^executionArn must be an execution of one of this/],
      ['redrive-execution', { executionArn: 'x', force: true }, 400, /^Unknown field "force"/],
    ])('%s %j → %d', async (route, body, status, message) => {
      // Act
      const response = await post(route, body);

      // Assess
      expect(response.status).toBe(status);
      expect(response.body.message).toMatch(message);
    });

    it('refuses a stale history token, an unknown execution and a redrive of a SUCCEEDED one', async () => {
      // Prepare
      const executionArn = started[MAIN.name]![0]!;
      const unknown = executionArn.replace(/:[^:]+$/, ':never-started');
      const before = await listAll({});

      // Act
      const staleToken = await post('get-execution-history', { executionArn, nextToken: 'stale' });
      const missingHistory = await post('get-execution-history', { executionArn: unknown });
      const missingRedrive = await post('redrive-execution', { executionArn: unknown });
      const succeeded = await post('redrive-execution', { executionArn });
      const after = await listAll({});

      // Assess
      expect(staleToken.status).toBe(400);
      expect(missingHistory).toMatchObject({ status: 404, body: { message: `Execution not found: ${unknown}` } });
      expect(missingRedrive.status).toBe(404);
      expect(succeeded.status).toBe(409);
      expect(succeeded.body.message).toBe(
        'Only FAILED, TIMED_OUT, ABORTED executions can be redriven; this one is SUCCEEDED',
      );
      expect(after.items.map((e) => [e.executionArn, e.status])).toEqual(
        before.items.map((e) => [e.executionArn, e.status]),
      );
      expect((await describeExecution(executionArn)).body).toMatchObject({ status: 'SUCCEEDED' });
    });
  });
});
