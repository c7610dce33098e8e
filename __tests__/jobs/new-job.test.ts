/**
 * `npm run new-job` end to end, in a temporary copy of the repository (never the real tree): the
 * scaffold is written, refused a second time, its own unit test passes, and with no other edit the
 * copy synthesizes one more state machine and start route, the local runtime serves both jobs, the
 * new job reaches SUCCEEDED and `POST /start-execution` still starts the default job. What it writes,
 * in JSONPath and with `--jsonata`, passes the project's lint (`biome ci`, as `npm run lint` runs it),
 * and the JSONata job runs on the local runtime to AWS's result.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ExitCode, main } from '../../client/cli';
import { listen, type ReceivedEvent } from '../../client/listen';
import { DEFAULT_LOCAL_DATA_DIR, writeLocalEndpoint } from '../../client/local-endpoint';
import { servedJobs } from '../../local/banner';
import { localEndpointOf } from '../../local/endpoint-file';
import { localSigningSecret } from '../../local/events/secrets';
import { REPO_ROOT, type Runtime, SILENT_LOGS, startRuntime } from '../../local/runtime';
import { synthIfStale } from '../../local/synth';
import { defaultJob } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';
import { postJson, uniqueName, waitForEnd } from '../local/helpers';
import { closeAfterTest } from '../servers';
import { waitUntil } from '../wait';

const NAME = 'word-count-e2e';
const JSONATA_NAME = 'word-count-jsonata';
const MAIN = defaultJob(JOBS);

/** `biome ci` on the files the scaffold wrote or updated for `name`, in the copy, with its biome.json. */
function biomeCi(cwd: string, name: string) {
  const files = [
    `statemachine/${name}.asl.json`,
    `lambda-src/${name}/errors.ts`,
    `lambda-src/${name}/handler.ts`,
    `lambda-src/${name}/index.ts`,
    `__tests__/lambda/${name}.test.ts`,
    'stacks/jobs.ts',
  ];
  return spawnSync(join(cwd, 'node_modules', '.bin', 'biome'), ['ci', '--vcs-enabled=false', ...files], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** Copies the files git would ship (tracked and new, not ignored) and links node_modules. */
function copyRepository(): string {
  const copy = mkdtempSync(join(tmpdir(), 'async-api-new-job-'));
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    try {
      cpSync(join(REPO_ROOT, file), join(copy, file));
    } catch (err) {
      // A file deleted in the working tree but still in the index.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  return copy;
}

function newJob(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/new-job.ts', ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('npm run new-job, in a temporary copy', () => {
  let copy: string;
  let dataDir: string;
  let runtime: Runtime | undefined;
  let written: ReturnType<typeof newJob>;

  beforeAll(() => {
    copy = copyRepository();
    dataDir = mkdtempSync(join(tmpdir(), 'async-api-new-job-data-'));
    written = newJob(copy, NAME);
  });
  afterAll(async () => {
    await runtime?.close();
    rmSync(copy, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes the ASL, the handler with its test and the registry entry, and says so', () => {
    expect(written.status).toBe(0);
    expect(written.stdout.split('\n').filter((l) => /^(wrote|updated) /.test(l))).toEqual([
      `wrote   statemachine/${NAME}.asl.json`,
      `wrote   lambda-src/${NAME}/errors.ts`,
      `wrote   lambda-src/${NAME}/handler.ts`,
      `wrote   lambda-src/${NAME}/index.ts`,
      `wrote   __tests__/lambda/${NAME}.test.ts`,
      `updated stacks/jobs.ts (entry "${NAME}")`,
    ]);
  });

  // Each reason for a refusal is checked in-process (__tests__/scripts/new-job.test.ts); here, the
  // command's contract once, with the registry the scaffold has just updated.
  it('refuses the job it has just written with one line and exit code 1, writing nothing', () => {
    const registry = readFileSync(join(copy, 'stacks', 'jobs.ts'), 'utf8');
    const handler = readFileSync(join(copy, 'lambda-src', NAME, 'handler.ts'), 'utf8');

    const again = newJob(copy, NAME);

    expect(readFileSync(join(copy, 'stacks', 'jobs.ts'), 'utf8')).toBe(registry);
    expect(readFileSync(join(copy, 'lambda-src', NAME, 'handler.ts'), 'utf8')).toBe(handler);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(
      /^new-job: refused: a job named "word-count-e2e" exists already \(stacks\/jobs\.ts\)\n$/,
    );
    expect(again.stdout).toBe('');
  });

  it('writes files that pass the lint CI runs, untouched', () => {
    const lint = biomeCi(copy, NAME);

    expect([lint.status, lint.stdout + lint.stderr]).toEqual([0, expect.stringMatching(/Checked 6 files/)]);
  });

  it('passes its own generated unit test', () => {
    const jest = spawnSync(
      process.execPath,
      [join(copy, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', `__tests__/lambda/${NAME}.test.ts`],
      {
        cwd: copy,
        encoding: 'utf8',
        timeout: 120_000,
      },
    );

    expect([jest.status, jest.stderr]).toEqual([0, expect.stringMatching(/Tests:\s+\d+ passed, \d+ total/)]);
  }, 130_000);

  it('synthesizes one more state machine and start route, served with the others; the new job succeeds', async () => {
    // Prepare
    const outdir = join(copy, 'cdktf.out');
    synthIfStale({
      repoRoot: copy,
      outdir,
      env: { TF_STATE_BUCKET: 'unused-bucket', API_AUTH: 'NONE', PATH: process.env['PATH'] },
    });
    runtime = await startRuntime({
      outdir,
      port: 0,
      dataDir,
      ...SILENT_LOGS,
    });
    const routes = runtime.model.api.routes.map((r) => r.routeKey);

    // Act
    const started = await postJson(`${runtime.url}/${NAME}/start-execution`, {
      input: { text: 'one two three' },
      name: uniqueName('e2e'),
    });
    const finished = await waitForEnd(
      () => postJson(`${runtime!.url}/describe-execution`, { executionArn: started.body.executionArn }),
      30_000,
    );
    const bad = await postJson(`${runtime.url}/${NAME}/start-execution`, { input: { text: 7 } });
    const failed = await waitForEnd(
      () => postJson(`${runtime!.url}/describe-execution`, { executionArn: bad.body.executionArn }),
      30_000,
    );
    const byDefault = await postJson(`${runtime.url}/start-execution`, { input: MAIN.exampleInput });

    // Assess
    // One machine per job, and the stage's schedule launcher when a job declares a schedule
    const launcher = JOBS.some((job) => (job.schedules ?? []).length > 0) ? ['schedule-launcher'] : [];
    expect(runtime.model.stateMachines.map((m) => m.name).sort()).toEqual(
      [...JOBS.map((j) => j.name), NAME, ...launcher].map((n) => `async-api-dev-${n}`).sort(),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        `POST /${NAME}/start-execution`,
        'POST /start-execution',
        ...JOBS.map((j) => `POST /${j.name}/start-execution`),
      ]),
    );
    // This process imported a registry without the new job (as `npm start` after a watch reload):
    // the dashboard's start form and the banner still get its example input and description.
    expect(servedJobs(runtime.model).find((j) => j.name === NAME)).toMatchObject({
      exampleInput: { text: 'hello async world' },
      description: `${NAME}: counts the words of a text (scaffolded; replace with your work).`,
    });
    expect(finished.body).toMatchObject({ status: 'SUCCEEDED', output: { words: 3 } });
    // The scaffold's "then:" line, run as written in the copy next to its runtime (npm start writes
    // .local/endpoint.json; this test's runtime is started directly, so the test writes it)
    const localDir = join(copy, DEFAULT_LOCAL_DATA_DIR);
    mkdirSync(localDir, { recursive: true });
    writeLocalEndpoint(localDir, localEndpointOf(runtime, localDir));
    const then = written.stdout.split('\n').find((l) => l.startsWith('then: '))!;
    const args = [...then.slice(then.indexOf('npx async-api run ')).matchAll(/'([^']*)'|(\S+)/g)]
      .map((m) => m[1] ?? m[2]!)
      .slice(2);
    const quiet = { write: () => true };
    expect(await main([...args, '--quiet'], { stdout: quiet, stderr: quiet, env: {}, cwd: copy })).toBe(
      ExitCode.Succeeded,
    );
    expect(failed.body).toMatchObject({ status: 'FAILED', error: 'WordCountE2e.InvalidInput' });
    expect(byDefault.status).toBe(200);
    expect(byDefault.body.executionArn).toMatch(new RegExp(`:execution:async-api-dev-${MAIN.name}:`));
  }, 120_000);

  it('with --jsonata writes a JSONata definition that passes the lint untouched', () => {
    // Act: after the synth above, so the runtime there serves the JSONPath job only.
    const jsonata = newJob(copy, '--', JSONATA_NAME, '--jsonata');
    const lint = biomeCi(copy, JSONATA_NAME);
    const asl = JSON.parse(readFileSync(join(copy, 'statemachine', `${JSONATA_NAME}.asl.json`), 'utf8'));

    // Assess
    expect([jsonata.status, jsonata.stderr]).toEqual([0, '']);
    expect([lint.status, lint.stdout + lint.stderr]).toEqual([0, expect.stringMatching(/Checked 6 files/)]);
    expect(asl.QueryLanguage).toBe('JSONata');
    const task = asl.States['Count words'];
    expect(Object.keys(task)).toEqual(expect.arrayContaining(['Arguments', 'Output']));
    expect(JSON.stringify(asl)).not.toMatch(/"(Parameters|OutputPath|ResultPath|ErrorPath|CausePath|InputPath)"|\.\$"/);
  });

  it('with --jsonata synthesizes a job the local runtime runs as AWS would: SUCCEEDED, its Fail state’s Error/Cause expressions, and a webhook start delivered', async () => {
    // Prepare: the copy now holds both scaffolds (the test above wrote the JSONata one)
    await runtime?.close();
    const outdir = join(copy, 'cdktf.out');
    synthIfStale({
      repoRoot: copy,
      outdir,
      env: { TF_STATE_BUCKET: 'unused-bucket', API_AUTH: 'NONE', PATH: process.env['PATH'] },
    });
    runtime = await startRuntime({ outdir, port: 0, dataDir, ...SILENT_LOGS });
    const run = async (input: unknown) => {
      const started = await postJson(`${runtime!.url}/${JSONATA_NAME}/start-execution`, {
        input,
        name: uniqueName('ja'),
      });
      return waitForEnd(
        () => postJson(`${runtime!.url}/describe-execution`, { executionArn: started.body.executionArn }),
        30_000,
      );
    };

    const events: ReceivedEvent[] = [];
    const hook = await listen({
      port: 0,
      secret: localSigningSecret(dataDir),
      onEvent: (e) => events.push(e),
      onRejected: () => undefined,
    });
    closeAfterTest(hook.server);

    // Act
    const finished = await run({ text: 'one two three four' });
    const failed = await run({ text: 7 });
    const withHook = await postJson(`${runtime.url}/${JSONATA_NAME}/start-execution-with-webhook`, {
      input: { text: 'a webhook for a JSONata job' },
      webhook: hook.url,
    });
    await waitUntil(() => events.length > 0, "the JSONata job's webhook delivery", 30_000);

    // Assess: the JSONata Fail state reports the function's error, not the expression's text; a
    // webhook start of the same job is delivered, signed, with the job's own output
    expect(finished.body).toMatchObject({ status: 'SUCCEEDED', output: { words: 4 } });
    expect(failed.body).toMatchObject({ status: 'FAILED', error: 'WordCountJsonata.InvalidInput' });
    expect(JSON.stringify(failed.body)).not.toContain('{%');
    expect(withHook.status).toBe(200);
    expect(events).toEqual([
      expect.objectContaining({
        repeat: false,
        payload: expect.objectContaining({
          type: 'execution.succeeded',
          data: expect.objectContaining({
            executionArn: withHook.body.executionArn,
            status: 'SUCCEEDED',
            output: { words: 6 },
          }),
        }),
      }),
    ]);
  }, 120_000);

  it.each([[['--jsonata']], [[NAME, '--json']], [['a-job', 'b-job']]])(
    'answers %j with its usage and exit code 2, writing nothing',
    (args) => {
      const refused = newJob(copy, ...args);

      expect([refused.status, refused.stdout]).toEqual([2, '']);
      expect(refused.stderr).toMatch(/^usage: npm run new-job -- <name> \[--jsonata\]/);
    },
  );
});
