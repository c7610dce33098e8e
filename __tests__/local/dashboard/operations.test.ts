import { DASHBOARD_PATH } from '../../../local/dashboard/server';
import { JOBS } from '../../../stacks/jobs';
import { startTestRuntime, type TestRuntime } from '../helpers';

// The dashboard's per-job counts (from the runtime's own store) and each job's schedules with "run now".
jest.setTimeout(30_000);

let test: TestRuntime;
beforeAll(async () => {
  test = await startTestRuntime();
});
afterAll(async () => {
  await test?.close();
});

const call = async (path: string, body?: unknown) => {
  const res = await fetch(`${test.url}${DASHBOARD_PATH}api/${path}`, {
    ...(body === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as any };
};
const scheduled = JOBS.filter((j) => (j.schedules ?? []).length > 0);

describe('dashboard schedules and counts', () => {
  it("lists each job's schedules with expression, time zone and next run", async () => {
    const { status, body } = await call('schedules');
    expect(status).toBe(200);
    expect(body.schedules).toEqual(
      scheduled.flatMap((job) =>
        job.schedules!.map((s) => ({
          name: `async-api-dev-${job.name}-${s.name}`,
          job: job.name,
          expression: s.expression,
          timeZone: s.timeZone ?? 'UTC',
          enabled: s.enabled !== false,
          nextRun: s.enabled === false ? null : expect.any(Number),
        })),
      ),
    );
  });

  it('"run now" starts the job, and the counts show it started, then succeeded', async () => {
    const job = scheduled[0]!;
    const before = (await call('counts')).body.counts[job.name];
    const { body: list } = await call('schedules');

    const run = await call('schedules/run', { name: list.schedules[0].name });
    expect(run.status).toBe(200);
    expect(run.body.executionArn).toContain(`:execution:async-api-dev-${job.name}:`);
    const after = (await call('counts')).body.counts[job.name];
    expect(after.started).toBe(before.started + 1);
    for (let i = 0; i < 100 && (await call('counts')).body.counts[job.name].succeeded === before.succeeded; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect((await call('counts')).body.counts[job.name]).toMatchObject({
      succeeded: before.succeeded + 1,
      failed: before.failed,
    });
    // Every job of the registry is counted.
    expect(Object.keys((await call('counts')).body.counts).sort()).toEqual(JOBS.map((j) => j.name).sort());
  });

  it('refuses to run a schedule the stack does not have', async () => {
    const { status, body } = await call('schedules/run', { name: 'async-api-dev-nope' });
    expect(status).toBe(400);
    expect(body.message).toBe('no schedule "async-api-dev-nope" in the served stack');
  });
});
