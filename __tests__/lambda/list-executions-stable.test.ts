/**
 * `POST /list-executions` pages stay stable while executions start and change status between
 * requests: no execution twice, none skipped that existed at the first page (and still matches the
 * filter), none started after the first page. Step Functions is faked with the least kind tokens, a
 * plain offset into the live listing, so any movement of the listing shifts them.
 */
import {
  type ExecutionListItem,
  ListExecutionsCommand,
  type ListExecutionsCommandInput,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler } from '../../lambda-src/list-executions/handler';
import { httpEvent } from './fixtures';

const MACHINES = {
  first: 'arn:aws:states:eu-west-1:123456789012:stateMachine:api-dev-first',
  second: 'arn:aws:states:eu-west-1:123456789012:stateMachine:api-dev-second',
} as const;
type Job = keyof typeof MACHINES;
const T0 = Date.parse('2026-12-01T00:00:00.000Z');
const sfn = mockClient(SFNClient);

/** The live listing per machine, newest first, as Step Functions keeps it; tests change it between pages. */
const live: Record<string, ExecutionListItem[]> = {};
let serial = 0;

function execution(job: Job, startMs: number, status: string): ExecutionListItem {
  const name = `${job}-${serial++}`;
  return {
    executionArn: `${MACHINES[job].replace(':stateMachine:', ':execution:')}:${name}`,
    stateMachineArn: MACHINES[job],
    name,
    status: status as ExecutionListItem['status'],
    startDate: new Date(startMs),
  };
}

/** `count` executions of a job started every `everyMs` from `offsetMs`; every `runningEvery`-th RUNNING. */
function seed(job: Job, count: number, everyMs: number, offsetMs: number, runningEvery = 2): void {
  live[MACHINES[job]] = Array.from({ length: count }, (_, i) =>
    execution(job, T0 + offsetMs + i * everyMs, i % runningEvery === 0 ? 'RUNNING' : 'SUCCEEDED'),
  ).reverse();
}

/** Starts `count` executions of a job, newer than any (RUNNING). */
function start(job: Job, count: number): ExecutionListItem[] {
  const list = live[MACHINES[job]]!;
  const newest = list[0]?.startDate?.getTime() ?? T0;
  const started = Array.from({ length: count }, (_, i) => execution(job, newest + 10_000 + i, 'RUNNING')).reverse();
  list.unshift(...started);
  return started;
}

beforeEach(() => {
  sfn.reset();
  for (const k of Object.keys(live)) delete live[k];
  sfn.on(ListExecutionsCommand).callsFake((input: ListExecutionsCommandInput) => {
    const all = (live[input.stateMachineArn!] ?? []).filter(
      (e) => input.statusFilter === undefined || e.status === input.statusFilter,
    );
    const offset = input.nextToken === undefined ? 0 : Number(input.nextToken.split('|')[1]);
    const size = input.maxResults ?? 100;
    const page = all.slice(offset, offset + size).map((e) => ({ ...e }));
    const next = offset + size < all.length ? `${input.stateMachineArn}|${offset + size}` : undefined;
    return Promise.resolve({ executions: page, ...(next ? { nextToken: next } : {}) });
  });
});

const handler = createHandler({ client: new SFNClient({ region: 'eu-west-1' }), jobs: MACHINES });

/** Lists every page, calling `between(pages)` after each; returns the ARNs of each page. */
async function listAll(request: Record<string, unknown>, between: (pages: string[][]) => void): Promise<string[][]> {
  const pages: string[][] = [];
  let nextToken: string | null = null;
  do {
    const response = await handler(httpEvent(JSON.stringify({ ...request, ...(nextToken ? { nextToken } : {}) })));
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body) as { executions: { executionArn: string }[]; nextToken: string | null };
    pages.push(body.executions.map((e) => e.executionArn));
    nextToken = body.nextToken;
    between(pages);
  } while (nextToken !== null && pages.length < 200);
  return pages;
}

/** ARNs in the listing's order: newest first, then registry order, then ARN. */
function inOrder(items: readonly ExecutionListItem[]): string[] {
  const order = (e: ExecutionListItem) => Object.values(MACHINES).indexOf(e.stateMachineArn as never);
  return [...items]
    .sort(
      (a, b) =>
        b.startDate!.getTime() - a.startDate!.getTime() ||
        order(a) - order(b) ||
        (a.executionArn! < b.executionArn! ? -1 : 1),
    )
    .map((e) => e.executionArn!);
}

/** Ends `count` RUNNING executions of a job, taken evenly over its listing. */
function end(job: Job, count: number): void {
  const running = live[MACHINES[job]]!.filter((e) => e.status === 'RUNNING');
  const step = Math.max(1, Math.floor(running.length / count));
  for (let i = 0; i < running.length && i / step < count; i += step) running[i]!.status = 'SUCCEEDED';
}

describe('stable pages', () => {
  it('over two jobs: each execution of the first page once, in order, none started since', async () => {
    // Prepare: more than one Step Functions page per job, so its tokens are used.
    seed('first', 260, 1000, 0);
    seed('second', 190, 1300, 500);
    const existing = inOrder(Object.values(live).flat());
    const started: string[] = [];

    // Act: between pages, executions start in both jobs and RUNNING ones end.
    const pages = await listAll({ maxResults: 37 }, () => {
      for (const job of ['first', 'second'] as const) started.push(...start(job, 3).map((e) => e.executionArn!));
      end('first', 4);
      end('second', 2);
    });

    // Assess
    expect(pages.flat()).toEqual(existing);
    expect(pages.flat().filter((a) => started.includes(a))).toEqual([]);
  });

  it('with a status filter, while executions leave it between pages: none repeated, none that kept it skipped', async () => {
    // Prepare
    seed('second', 600, 1000, 0, 3);
    const runningAtFirst = live[MACHINES.second]!.filter((e) => e.status === 'RUNNING');
    const changed = new Set<string>();

    // Act: one execution starts and one not yet reached ends between pages; after page 15 (past
    // Step Functions' first page of 100), 25 already listed end at once, which moves every later one
    // up the filtered listing past where a kept Step Functions token would resume.
    const pages = await listAll({ job: 'second', status: 'RUNNING', maxResults: 7 }, (sofar) => {
      start('second', 1);
      const listed = new Set(sofar.flat());
      const running = live[MACHINES.second]!.filter((e) => e.status === 'RUNNING');
      const ending = [running.at(-1)!];
      if (sofar.length === 15) ending.push(...running.filter((e) => listed.has(e.executionArn!)).slice(-25));
      for (const e of ending) {
        e.status = 'SUCCEEDED';
        changed.add(e.executionArn!);
      }
    });

    // Assess
    const listed = pages.flat();
    expect(new Set(listed).size).toBe(listed.length);
    const kept = inOrder(runningAtFirst.filter((e) => !changed.has(e.executionArn!)));
    expect(listed.filter((a) => kept.includes(a))).toEqual(kept);
    const firstArns = new Set(runningAtFirst.map((e) => e.executionArn!));
    expect(listed.every((a) => firstArns.has(a))).toBe(true);
    expect(listed).toEqual(inOrder(runningAtFirst.filter((e) => listed.includes(e.executionArn!))));
  });

  it('never splits executions that started in the same millisecond across pages', async () => {
    // Prepare: 80 executions share a start date across Step Functions' page boundary (positions
    // 60 to 139), listed there in the reverse of our ARN order.
    seed('first', 230, 1000, 0);
    const list = live[MACHINES.first]!;
    const tie = new Date(list[139]!.startDate!.getTime());
    for (const e of list.slice(60, 140)) e.startDate = tie;
    list.splice(60, 80, ...list.slice(60, 140).sort((a, b) => (a.executionArn! < b.executionArn! ? 1 : -1)));
    const existing = inOrder(list);

    // Act
    const pages = await listAll({ job: 'first', maxResults: 7 }, () => {});

    // Assess
    expect(pages.flat()).toEqual(existing);
  });
});
