import {
  type ExecutionListItem,
  InvalidToken,
  ListExecutionsCommand,
  type ListExecutionsCommandInput,
  SFNClient,
  SFNServiceException,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler } from '../../lambda-src/list-executions/handler';
import { SFN_PAGE_SIZE } from '../../lambda-src/list-executions/pages';
import { encodePageToken } from '../../lambda-src/list-executions/token';
import { httpEvent } from './fixtures';

/** Two jobs of one API, in registry order. */
const MACHINES = {
  first: 'arn:aws:states:eu-west-1:123456789012:stateMachine:api-dev-first',
  second: 'arn:aws:states:eu-west-1:123456789012:stateMachine:api-dev-second',
} as const;
const T0 = Date.parse('2026-12-01T00:00:00.000Z');
const ANCHOR = {
  startDate: T0,
  order: 0,
  executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:api-dev-first:x',
};

const sfn = mockClient(SFNClient);

/** `count` executions of `job`, started every `everyMs` from `offsetMs`, newest first (as Step Functions lists). */
function executions(job: keyof typeof MACHINES, count: number, everyMs: number, offsetMs: number): ExecutionListItem[] {
  const machineName = MACHINES[job].split(':').at(-1)!;
  return Array.from({ length: count }, (_, i) => ({
    executionArn: `arn:aws:states:eu-west-1:123456789012:execution:${machineName}:${job}-${i}`,
    stateMachineArn: MACHINES[job],
    name: `${job}-${i}`,
    status: i % 3 === 0 ? 'FAILED' : 'SUCCEEDED',
    startDate: new Date(T0 + offsetMs + i * everyMs),
    stopDate: new Date(T0 + offsetMs + i * everyMs + 500),
  })).reverse() as ExecutionListItem[];
}

/**
 * Step Functions' ListExecutions over fixed data: pages of `maxResults`, `statusFilter` applied,
 * tokens that name the machine and the offset (opaque to the handler).
 */
function serve(data: Record<string, ExecutionListItem[]>): void {
  sfn.on(ListExecutionsCommand).callsFake((input: ListExecutionsCommandInput) => {
    const all = (data[input.stateMachineArn!] ?? []).filter(
      (e) => input.statusFilter === undefined || e.status === input.statusFilter,
    );
    let offset = 0;
    if (input.nextToken !== undefined) {
      const [machine, at] = input.nextToken.split('|');
      if (machine !== input.stateMachineArn) throw new InvalidToken({ message: 'bad token', $metadata: {} });
      offset = Number(at);
    }
    const size = input.maxResults ?? 100;
    const page = all.slice(offset, offset + size);
    const next = offset + size < all.length ? `${input.stateMachineArn}|${offset + size}` : undefined;
    return Promise.resolve({ executions: page, ...(next ? { nextToken: next } : {}) });
  });
}

function setup() {
  const logger = { error: jest.fn(), warn: jest.fn() };
  const handler = createHandler({ client: new SFNClient({ region: 'eu-west-1' }), jobs: MACHINES, logger });
  return { handler, logger };
}

function parsed(response: { body: string }): { executions: Record<string, unknown>[]; nextToken: string | null } {
  return JSON.parse(response.body) as { executions: Record<string, unknown>[]; nextToken: string | null };
}

async function listAll(handler: ReturnType<typeof setup>['handler'], request: Record<string, unknown>) {
  const pages: Record<string, unknown>[][] = [];
  let nextToken: string | null = null;
  do {
    const response = await handler(httpEvent(JSON.stringify({ ...request, ...(nextToken ? { nextToken } : {}) })));
    expect(response.statusCode).toBe(200);
    const body = parsed(response);
    pages.push(body.executions);
    nextToken = body.nextToken;
  } while (nextToken !== null && pages.length < 50);
  return pages;
}

beforeEach(() => {
  sfn.reset();
});

describe('pages over several jobs', () => {
  it('returns every execution of both jobs once, newest first, in pages of maxResults', async () => {
    // Prepare: interleaved start dates, so every page mixes the jobs.
    const first = executions('first', 7, 1000, 0);
    const second = executions('second', 5, 1500, 300);
    serve({ [MACHINES.first]: first, [MACHINES.second]: second });
    const { handler } = setup();

    // Act
    const pages = await listAll(handler, { maxResults: 3 });

    // Assess
    const listed = pages.flat();
    const expected = [...first, ...second]
      .sort((a, b) => b.startDate!.getTime() - a.startDate!.getTime())
      .map((e) => e.executionArn);
    expect(listed.map((e) => e.executionArn)).toEqual(expected);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 3, 3]);
    expect(listed[0]).toEqual({
      executionArn: expected[0],
      job: 'second',
      name: 'second-4',
      status: 'SUCCEEDED',
      startDate: new Date(T0 + 6300).toISOString(),
      stopDate: new Date(T0 + 6800).toISOString(),
    });
    expect(new Set(listed.map((e) => e.job))).toEqual(new Set(['first', 'second']));
  });

  it('costs one ListExecutions call per job for a page while nothing changes, asking Step Functions for 100', async () => {
    // Prepare
    serve({ [MACHINES.first]: executions('first', 30, 1000, 0), [MACHINES.second]: executions('second', 30, 1000, 1) });
    const { handler } = setup();

    // Act
    const pages = await listAll(handler, { maxResults: 4 });

    // Assess
    expect(pages.flat()).toHaveLength(60);
    expect(sfn.commandCalls(ListExecutionsCommand).length).toBeLessThanOrEqual(pages.length * 2);
    for (const call of sfn.commandCalls(ListExecutionsCommand))
      expect(call.args[0].input.maxResults).toBe(SFN_PAGE_SIZE);
  });

  it('lists one job when asked, and passes the status filter to Step Functions', async () => {
    // Prepare
    const second = executions('second', 9, 1000, 0);
    serve({ [MACHINES.first]: executions('first', 9, 1000, 0), [MACHINES.second]: second });
    const { handler } = setup();

    // Act
    const pages = await listAll(handler, { job: 'second', status: 'FAILED', maxResults: 2 });

    // Assess
    expect(pages.flat().map((e) => e.name)).toEqual(second.filter((e) => e.status === 'FAILED').map((e) => e.name));
    expect(pages.flat().every((e) => e.job === 'second')).toBe(true);
    const inputs = sfn.commandCalls(ListExecutionsCommand).map((c) => c.args[0].input);
    expect(new Set(inputs.map((i) => i.stateMachineArn))).toEqual(new Set([MACHINES.second]));
    expect(inputs.every((i) => i.statusFilter === 'FAILED')).toBe(true);
  });

  it('answers an empty page with no token when there is nothing', async () => {
    // Prepare
    serve({});
    const { handler } = setup();

    // Act
    const response = await handler(httpEvent(undefined));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(parsed(response)).toEqual({ executions: [], nextToken: null });
    expect(sfn.commandCalls(ListExecutionsCommand).map((c) => c.args[0].input.maxResults)).toEqual([
      SFN_PAGE_SIZE,
      SFN_PAGE_SIZE,
    ]);
  });
});

describe('400: bad input, without calling Step Functions', () => {
  it.each([
    ['an unknown job', { job: 'nope' }, /^job must be one of first, second; got "nope"$/],
    ['a job that is not a string', { job: 3 }, /^job must be one of/],
    [
      'an unknown status',
      { status: 'DONE' },
      /^status must be one of ABORTED, FAILED, PENDING_REDRIVE, RUNNING, SUCCEEDED, TIMED_OUT; got "DONE"$/,
    ],
    ['a lower-case status', { status: 'running' }, /^status must be one of/],
    ['maxResults 0', { maxResults: 0 }, /^maxResults must be an integer from 1 to 100; got 0$/],
    ['maxResults 101', { maxResults: 101 }, /^maxResults must be an integer from 1 to 100; got 101$/],
    ['maxResults 2.5', { maxResults: 2.5 }, /^maxResults must be an integer/],
    ['maxResults as a string', { maxResults: '5' }, /^maxResults must be an integer/],
    ['a misspelt field', { maxResult: 5 }, /^Unknown field "maxResult"; accepted: job, status, maxResults, nextToken$/],
    ['a forged token', { nextToken: 'not-a-token' }, /^nextToken is not a token this API issued$/],
    ['a token that is not a string', { nextToken: 5 }, /^nextToken must be a token from a previous answer/],
    [
      'a token naming a job the API does not have',
      {
        nextToken: encodePageToken({ job: null, status: null, maxResults: 20, anchor: ANCHOR, cursors: { gone: {} } }),
      },
      /^nextToken is not a token this API issued$/,
    ],
    [
      'a token issued for other filters',
      {
        nextToken: encodePageToken({
          job: null,
          status: 'FAILED',
          maxResults: 20,
          anchor: ANCHOR,
          cursors: { first: {} },
        }),
      },
      /^nextToken was issued for other job, status or maxResults/,
    ],
  ])('%s', async (_what, body, message) => {
    // Prepare
    serve({});
    const { handler } = setup();

    // Act
    const response = await handler(httpEvent(JSON.stringify(body)));

    // Assess
    expect(response.statusCode).toBe(400);
    expect((JSON.parse(response.body) as { message: string }).message).toMatch(message);
    expect(sfn.commandCalls(ListExecutionsCommand)).toHaveLength(0);
  });

  it.each([
    ['not JSON', '{'],
    ['a JSON array', '[]'],
  ])('a body that is %s', async (_what, body) => {
    // Prepare
    const { handler } = setup();

    // Act
    const response = await handler(httpEvent(body));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(sfn.commandCalls(ListExecutionsCommand)).toHaveLength(0);
  });
});

describe('errors from Step Functions', () => {
  it('reads a job again from the newest when Step Functions refuses the token inside ours (expired)', async () => {
    // Prepare: a well-formed token of ours whose Step Functions token is stale.
    const first = executions('first', 3, 1000, 0);
    serve({ [MACHINES.first]: first });
    const { handler } = setup();
    const anchor = { startDate: first[0]!.startDate!.getTime(), order: 0, executionArn: first[0]!.executionArn! };
    const nextToken = encodePageToken({
      job: 'first',
      status: null,
      maxResults: 20,
      anchor,
      cursors: {
        first: {
          token: `${MACHINES.second}|1`,
          mark: { startDate: anchor.startDate, executionArn: anchor.executionArn },
        },
      },
    });

    // Act
    const response = await handler(httpEvent(JSON.stringify({ job: 'first', nextToken })));

    // Assess: the two executions after the anchor, nothing lost.
    expect(response.statusCode).toBe(200);
    expect(parsed(response).executions.map((e) => e.name)).toEqual(['first-1', 'first-0']);
  });

  it('maps throttling to 429 with retry-after, and anything else to a 500 that leaks nothing', async () => {
    // Prepare
    const { handler, logger } = setup();
    sfn
      .on(ListExecutionsCommand)
      .rejectsOnce(
        new SFNServiceException({
          name: 'ThrottlingException',
          $fault: 'client',
          message: 'Rate exceeded',
          $metadata: {},
        }),
      )
      .rejects(new Error('socket hang up at 10.0.0.1'));

    // Act
    const throttled = await handler(httpEvent('{"job":"first"}'));
    const failed = await handler(httpEvent('{"job":"first"}'));

    // Assess
    expect(throttled.statusCode).toBe(429);
    expect(throttled.headers['retry-after']).toBe('2');
    expect(failed.statusCode).toBe(500);
    expect(failed.body).toBe('{"message":"Internal server error"}');
    expect(logger.error).toHaveBeenCalledTimes(1);
  });
});
