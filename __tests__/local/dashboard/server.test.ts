/**
 * The dashboard over real HTTP on the runtime's port: it answers only its own Host and Origin (a page
 * elsewhere in the browser, or a DNS-rebound name, is refused), and its API starts, lists with
 * filters and pages, and describes executions of every job of the registry.
 */
import { request } from 'node:http';
import { DASHBOARD_PATH, PAGE_SIZE } from '../../../local/dashboard/server';
import { JOBS } from '../../../stacks/jobs';
import { startTestRuntime, type TestRuntime, uniqueName } from '../helpers';

jest.setTimeout(30_000);

let test: TestRuntime;
beforeAll(async () => {
  test = await startTestRuntime();
});
afterAll(async () => {
  await test?.close();
});

/** A raw request, so Host can be set to anything (fetch does not allow it). */
function raw(
  path: string,
  headers: Record<string, string>,
  method = 'GET',
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: test.runtime.port, path, method, headers, setHost: false },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const own = () => ({ host: `127.0.0.1:${test.runtime.port}` });
const api = (path: string) => `${DASHBOARD_PATH}api/${path}`;

async function start(
  job: string,
  name: string,
  input: unknown = JOBS.find((j) => j.name === job)!.exampleInput,
): Promise<string> {
  const res = await raw(
    api('start'),
    { ...own(), 'content-type': 'application/json', origin: `http://127.0.0.1:${test.runtime.port}` },
    'POST',
    JSON.stringify({ job, name, input: JSON.stringify(input) }),
  );
  expect(res.status).toBe(200);
  return (JSON.parse(res.body) as { executionArn: string }).executionArn;
}

describe('who may use the dashboard', () => {
  it('serves the page and the API to its own Host, as 127.0.0.1 or localhost', async () => {
    expect((await raw(DASHBOARD_PATH, own())).status).toBe(200);
    expect((await raw(api('jobs'), { host: `localhost:${test.runtime.port}` })).status).toBe(200);
  });

  it.each([
    ['a DNS-rebound name', { host: `attacker.example:PORT` }],
    ['another port', { host: '127.0.0.1:1' }],
    ['a port that starts with ours', { host: '127.0.0.1:PORT0' }],
    ['a name that starts with ours', { host: 'localhost:PORT.evil.example' }],
    ['no Host at all', {}],
  ])('refuses %s as Host', async (_what, headers) => {
    const h = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, v.replace('PORT', String(test.runtime.port))]),
    );
    const res = await raw(api('jobs'), h);
    // Node's own parser answers 400 to an HTTP/1.1 request without Host before the dashboard sees it.
    expect(Object.keys(h).length === 0 ? [400, 403] : [403]).toContain(res.status);
  });

  it('refuses a request from another origin, even with the right Host, and starts nothing', async () => {
    const job = JOBS[0]!.name;
    const name = uniqueName('cross-site');
    const res = await raw(
      api('start'),
      { ...own(), 'content-type': 'application/json', origin: 'https://evil.example' },
      'POST',
      JSON.stringify({ job, name, input: '{}' }),
    );
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).message).toMatch(/Origin/);
    const listed = JSON.parse((await raw(api(`executions?name=${name}`), own())).body) as { executions: unknown[] };
    expect(listed.executions).toEqual([]);
  });

  it.each([
    'http://localhost.evil.example',
    'http://127.0.0.1.evil.example',
    'http://localhost:PORT.evil.example',
    'http://127.0.0.1:PORT0',
    'https://127.0.0.1:PORT',
    'http://127.0.0.1',
    'null',
  ])('refuses Origin %s, which only starts like or resembles its own', async (origin) => {
    const res = await raw(api('jobs'), { ...own(), origin: origin.replace('PORT', String(test.runtime.port)) });

    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).message).toMatch(/^Origin /);
  });

  it.each(['127.0.0.1', 'localhost'])('accepts its own Origin exactly, as http://%s:<port>', async (name) => {
    const res = await raw(api('jobs'), { ...own(), origin: `http://${name}:${test.runtime.port}` });

    expect(res.status).toBe(200);
  });

  it('refuses a POST that is not JSON (what a plain HTML form sends)', async () => {
    const res = await raw(
      api('stop'),
      { ...own(), 'content-type': 'application/x-www-form-urlencoded' },
      'POST',
      'executionArn=x',
    );
    expect(res.status).toBe(403);
  });
});

describe('the API behind the page', () => {
  it.each(JOBS.map((j) => [j.name]))('lists the job %s with its definition', async (job) => {
    const body = JSON.parse((await raw(api('jobs'), own())).body) as {
      jobs: { name: string; definition: { StartAt: string } }[];
    };
    expect(body.jobs.find((j) => j.name === job)?.definition.StartAt).toEqual(expect.any(String));
  });

  it('filters by job, status and name, and pages with a cursor that repeats and skips nothing', async () => {
    const prefix = uniqueName('page');
    const job = JOBS[0]!.name;
    const arns: string[] = [];
    for (let i = 0; i < PAGE_SIZE + 3; i++) arns.push(await start(job, `${prefix}-${i}`));
    const first = JSON.parse((await raw(api(`executions?job=${job}&name=${prefix}`), own())).body) as {
      executions: { executionArn: string; job: string }[];
      next: string;
    };
    expect(first.executions).toHaveLength(PAGE_SIZE);
    expect(first.executions.every((e) => e.job === job)).toBe(true);
    await start(job, `${prefix}-late`); // a new one on top shifts nothing on the next page
    const second = JSON.parse(
      (await raw(api(`executions?job=${job}&name=${prefix}&after=${encodeURIComponent(first.next)}`), own())).body,
    ) as { executions: { executionArn: string }[]; next?: string };
    expect(second.next).toBeUndefined();
    expect(new Set([...first.executions, ...second.executions].map((e) => e.executionArn))).toEqual(new Set(arns));
    const other = JOBS.find((j) => j.name !== job);
    if (other) {
      const none = JSON.parse((await raw(api(`executions?job=${other.name}&name=${prefix}`), own())).body) as {
        executions: unknown[];
      };
      expect(none.executions).toEqual([]);
    }
    const bad = await raw(api('executions?status=DONE'), own());
    expect(bad.status).toBe(400);
  });

  it('describes an execution with its history and definition; a Step Functions error keeps its code', async () => {
    const job = JOBS[0]!.name;
    const arn = await start(job, uniqueName('describe'));
    const body = JSON.parse((await raw(api(`execution?arn=${encodeURIComponent(arn)}`), own())).body) as {
      job: string;
      events: { type: string }[];
      definition: unknown;
    };
    expect(body.job).toBe(job);
    expect(body.events[0]!.type).toBe('ExecutionStarted');
    const missing = await raw(api(`execution?arn=${encodeURIComponent(`${arn}-missing`)}`), own());
    expect([missing.status, JSON.parse(missing.body).error]).toEqual([400, 'ExecutionDoesNotExist']);
  });
});
