import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '../../client/cli';
import { rowsOf } from '../../client/cli-schedules';
import { runCli } from './cli-harness';

// `async-api schedules` lists the stack's schedules (its `schedules` output) with each one's next run.
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'async-api-schedules-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const NOW = Date.parse('2026-12-06T12:00:30Z');
const outputs = (schedules: unknown) =>
  writeFileSync(
    join(dir, 'cdktf.outputs.json'),
    JSON.stringify({
      'async-api-dev': { api_endpoint: 'https://abc.execute-api.eu-west-1.amazonaws.com', api_auth: 'NONE', schedules },
    }),
  );
const SCHEDULES = [
  {
    job: 'report',
    name: 'nightly',
    schedule_name: 'async-api-dev-report-nightly',
    expression: 'cron(0 2 * * ? *)',
    time_zone: 'Europe/Berlin',
    enabled: true,
  },
  {
    job: 'report',
    name: 'often',
    schedule_name: 'async-api-dev-report-often',
    expression: 'rate(1 minute)',
    time_zone: 'UTC',
    enabled: false,
  },
];

describe('async-api schedules', () => {
  it('prints job, expression, time zone, next run and enabled, as JSON by default', async () => {
    outputs(SCHEDULES);
    const run = await runCli(['schedules'], dir, { wallClock: () => NOW });
    expect(run).toMatchObject({ code: ExitCode.Succeeded, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual({
      schedules: [
        {
          job: 'report',
          name: 'nightly',
          expression: 'cron(0 2 * * ? *)',
          timeZone: 'Europe/Berlin',
          nextRun: '2026-12-07T01:00:00.000Z',
          enabled: true,
        },
        { job: 'report', name: 'often', expression: 'rate(1 minute)', timeZone: 'UTC', nextRun: null, enabled: false },
      ],
    });
  });

  it('as a table too', async () => {
    outputs(SCHEDULES);
    const run = await runCli(['schedules', '--output', 'table'], dir, { wallClock: () => NOW });
    expect(run.code).toBe(ExitCode.Succeeded);
    expect(run.stdout).toContain('Europe/Berlin');
    expect(run.stdout).toContain('2026-12-07T01:00:00.000Z');
  });

  it('an empty list when the stack has none; exit 2 with the fix when the outputs predate schedules', async () => {
    outputs([]);
    expect(JSON.parse((await runCli(['schedules'], dir)).stdout)).toEqual({ schedules: [] });
    outputs(undefined);
    const old = await runCli(['schedules'], dir);
    expect(old.code).toBe(ExitCode.Usage);
    expect(old.stderr).toMatch(/no "schedules" output: deploy this version of the stack/);
  });

  it('exit 2 without an outputs file, naming how to write one', async () => {
    const run = await runCli(['schedules', '--endpoint', 'https://abc.execute-api.eu-west-1.amazonaws.com'], dir);
    expect(run.code).toBe(ExitCode.Usage);
    expect(run.stderr).toMatch(/cdktf output --outputs-file cdktf.outputs.json/);
  });

  it('refuses a malformed entry, naming it', () => {
    expect(() => rowsOf([{ job: 'x', name: 'y', expression: 'rate(1 minute)' }], 'f', new Date(NOW))).toThrow(
      'f: schedules[0] needs job, name, expression and time_zone',
    );
    expect(() =>
      rowsOf([{ job: 'x', name: 'y', expression: 'rate(1 minutes)', time_zone: 'UTC' }], 'f', new Date(NOW)),
    ).toThrow(/schedules\[0\]\.expression/);
  });
});
