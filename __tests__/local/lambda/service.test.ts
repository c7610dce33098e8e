import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import {
  createLambdaService,
  LambdaErrorType,
  type LambdaFunctionSpec,
  type LambdaService,
  LambdaServiceError,
  MAX_REQUEST_BYTES,
} from '../../../local/lambda';
import { waitUntil } from '../../wait';
import { createSandbox, HANDLERS, type Sandbox } from './fixtures';

const REPO_NODE_MODULES = path.resolve(__dirname, '../../../node_modules');

describe('local Lambda service: code, handlers, environment', () => {
  let sandbox: Sandbox;
  let service: LambdaService;
  let logs: { fn: string; line: string }[];
  let fns: Record<string, LambdaFunctionSpec>;

  beforeAll(() => {
    // Set before any function process starts, so a leak of the parent's environment would show.
    process.env.HOME_SECRET_TEST = 'must-not-leak';
    sandbox = createSandbox();
    logs = [];
    fns = {
      echo: sandbox.fn('echo', { 'index.js': HANDLERS.echo }),
      named: sandbox.fn('named-error', {
        'index.js': `
          class InvalidInput extends Error { constructor(m) { super(m); this.name = 'RamenTimer.InvalidInput'; } }
          exports.handler = async () => { throw new InvalidInput('seconds must be a positive integer'); };`,
      }),
      env: sandbox.fn(
        'env-reader',
        {
          'index.js': `
            exports.handler = async (event, context) => ({
              env: process.env,
              cwd: process.cwd(),
              context: {
                functionName: context.functionName,
                functionVersion: context.functionVersion,
                invokedFunctionArn: context.invokedFunctionArn,
                memoryLimitInMB: context.memoryLimitInMB,
                logGroupName: context.logGroupName,
                logStreamName: context.logStreamName,
                remaining: context.getRemainingTimeInMillis(),
                waits: context.callbackWaitsForEmptyEventLoop,
              },
            });`,
        },
        { environment: { GREETING: 'hello', TZ: 'Asia/Tokyo' }, memorySizeMb: 256, timeoutSeconds: 7 },
      ),
      callback: sandbox.fn('callback-style', {
        'index.js': `
          exports.handler = (event, context, callback) => {
            setTimeout(() => event.fail ? callback(new TypeError('bad ' + event.fail)) : callback(null, { doubled: event.n * 2 }), 10);
          };`,
      }),
      esm: sandbox.fn(
        'esm',
        {
          'app.mjs': `
          import { basename } from 'node:path';
          export const handler = async () => ({ module: basename(import.meta.url), isEsm: typeof require === 'undefined' });`,
        },
        { handler: 'app.handler' },
      ),
      nested: sandbox.fn(
        'nested',
        {
          'dist/app.js': `exports.routes = { start: { handler: async () => 'nested ok' } };`,
        },
        { handler: 'dist/app.routes.start.handler' },
      ),
      missingModule: sandbox.fn('missing-module', { 'other.js': 'exports.handler = async () => 1;' }),
      missingExport: sandbox.fn('missing-export', { 'index.js': 'exports.main = async () => 1;' }),
      notFunction: sandbox.fn('not-a-function', { 'index.js': 'exports.handler = 42;' }),
      sdk: sandbox.fn('sdk-user', {
        'index.js': `
          const { SFNClient } = require('@aws-sdk/client-sfn');
          exports.handler = async () => ({ sfnClient: typeof SFNClient, from: require.resolve('@aws-sdk/client-sfn') });`,
      }),
      big: sandbox.fn('big-response', {
        'index.js': `exports.handler = async (event) => 'x'.repeat(event.bytes);`,
      }),
      logger: sandbox.fn('logger', {
        'index.js': `exports.handler = async () => { console.log('ramen is %s', 'boiling'); return null; };`,
      }),
    };
    service = createLambdaService({
      functions: Object.values(fns),
      workDir: sandbox.workDir,
      nodePath: [REPO_NODE_MODULES],
      runtimeEnvironment: (fn) => ({ AWS_ENDPOINT_URL_SFN: `http://127.0.0.1:4000/${fn.functionName}` }),
      log: (fn, line) => logs.push({ fn, line }),
    });
  });

  afterAll(async () => {
    delete process.env.HOME_SECRET_TEST;
    await service?.close();
    sandbox?.remove();
  });

  it('returns the handler result, cold first and warm after, with module scope kept', async () => {
    // Act
    const first = await service.invoke({ functionName: 'echo', payload: { dish: 'ramen' } });
    const second = await service.invoke({ functionName: 'echo', payload: { dish: 'udon' } });

    // Assess
    expect(first).toMatchObject({ statusCode: 200, executedVersion: '$LATEST', coldStart: true });
    expect(first.functionError).toBeUndefined();
    expect(first.payload).toMatchObject({ event: { dish: 'ramen' }, calls: 1, requestId: first.requestId });
    expect(second.coldStart).toBe(false);
    expect(second.payload).toMatchObject({ event: { dish: 'udon' }, calls: 2 });
    expect((second.payload as { pid: number }).pid).toBe((first.payload as { pid: number }).pid);
    expect(second.requestId).not.toBe(first.requestId);
  });

  it('multiplexes concurrent invocations over one process, each with its own request id', async () => {
    // Act
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => service.invoke({ functionName: 'echo', payload: { i } })),
    );

    // Assess
    const payloads = results.map((r) => r.payload as { pid: number; requestId: string; event: { i: number } });
    expect(new Set(payloads.map((p) => p.pid)).size).toBe(1);
    expect(new Set(payloads.map((p) => p.requestId)).size).toBe(20);
    expect(payloads.map((p) => p.event.i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(payloads.every((p, i) => p.requestId === results[i].requestId)).toBe(true);
  });

  it('accepts the function ARN, with or without the $LATEST qualifier', async () => {
    // Act
    const byArn = await service.invoke({ functionName: fns.echo.functionArn, payload: {} });
    const qualified = await service.invoke({ functionName: `${fns.echo.functionArn}:$LATEST`, payload: {} });

    // Assess
    expect(byArn.functionError).toBeUndefined();
    expect(qualified.functionError).toBeUndefined();
  });

  it('rejects an unknown function with ResourceNotFoundException (404)', async () => {
    // Act
    const attempt = service.invoke({ functionName: 'no-such-function', payload: {} });

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      statusCode: 404,
      message: 'Function not found: arn:aws:lambda:eu-west-1:123456789012:function:no-such-function',
    });
    await expect(attempt).rejects.toBeInstanceOf(LambdaServiceError);
  });

  it('unpacks the zip to workDir/<name>-<sha256:12> and runs the handler from there', async () => {
    // Prepare
    const hash = createHash('sha256').update(readFileSync(fns.env.zipPath)).digest('hex').slice(0, 12);
    const taskRoot = path.join(sandbox.workDir, `env-reader-${hash}`);

    // Act
    const result = await service.invoke({ functionName: 'env-reader', payload: {} });

    // Assess
    const { env, cwd } = result.payload as { env: Record<string, string>; cwd: string };
    expect(existsSync(path.join(taskRoot, 'index.js'))).toBe(true);
    expect(cwd).toBe(taskRoot);
    expect(env.LAMBDA_TASK_ROOT).toBe(taskRoot);
  });

  it('reuses an unpacked folder instead of unpacking again', async () => {
    // Prepare: the echo function has already been unpacked by an earlier invocation of this service.
    const hash = createHash('sha256').update(readFileSync(fns.echo.zipPath)).digest('hex').slice(0, 12);
    const indexFile = path.join(sandbox.workDir, `echo-${hash}`, 'index.js');
    await service.invoke({ functionName: 'echo', payload: {} });
    const before = statSync(indexFile).mtimeMs;
    const second = createLambdaService({ functions: [fns.echo], workDir: sandbox.workDir, log: () => undefined });

    // Act
    const result = await second.invoke({ functionName: 'echo', payload: {} });
    await second.close();

    // Assess
    expect(result.coldStart).toBe(true);
    expect(statSync(indexFile).mtimeMs).toBe(before);
  });

  it("gives the function its variables, Lambda's variables and the runtime's, and nothing of the parent's", async () => {
    // Act
    const result = await service.invoke({ functionName: 'env-reader', payload: {} });

    // Assess
    const { env, context } = result.payload as { env: Record<string, string>; context: Record<string, unknown> };
    expect(env.HOME_SECRET_TEST).toBeUndefined();
    expect(env.GREETING).toBe('hello');
    expect(env.TZ).toBe('Asia/Tokyo'); // TZ is not reserved: the function's value wins
    expect(env).toMatchObject({
      AWS_LAMBDA_FUNCTION_NAME: 'env-reader',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/env-reader',
      AWS_REGION: 'eu-west-1',
      _HANDLER: 'index.handler',
      AWS_ENDPOINT_URL_SFN: 'http://127.0.0.1:4000/env-reader',
      NODE_PATH: expect.stringContaining(REPO_NODE_MODULES),
    });
    expect(env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(context).toMatchObject({
      functionName: 'env-reader',
      functionVersion: '$LATEST',
      invokedFunctionArn: fns.env.functionArn,
      memoryLimitInMB: '256',
      logGroupName: '/aws/lambda/env-reader',
      logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
      waits: true,
    });
    expect(context.remaining).toBeGreaterThan(5000);
    expect(context.remaining).toBeLessThanOrEqual(7000);
  });

  it('keeps the error name of a thrown error as errorType, with message and stack trace', async () => {
    // Act
    const result = await service.invoke({ functionName: 'named-error', payload: {} });

    // Assess
    expect(result.functionError).toBe('Unhandled');
    const payload = result.payload as { errorType: string; errorMessage: string; trace: string[] };
    expect(payload.errorType).toBe('RamenTimer.InvalidInput');
    expect(payload.errorMessage).toBe('seconds must be a positive integer');
    expect(payload.trace[0]).toBe('RamenTimer.InvalidInput: seconds must be a positive integer');
    expect(payload.trace.length).toBeGreaterThan(1);
  });

  it('supports callback-style handlers, for results and for errors', async () => {
    // Act
    const ok = await service.invoke({ functionName: 'callback-style', payload: { n: 21 } });
    const failed = await service.invoke({ functionName: 'callback-style', payload: { fail: 'input' } });

    // Assess
    expect(ok.payload).toEqual({ doubled: 42 });
    expect(failed.functionError).toBe('Unhandled');
    expect(failed.payload).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad input' });
  });

  it('loads an ES module (.mjs) handler', async () => {
    // Act
    const result = await service.invoke({ functionName: 'esm', payload: {} });

    // Assess
    expect(result.payload).toEqual({ module: 'app.mjs', isEsm: true });
  });

  it('resolves a handler in a sub-folder with a nested export path', async () => {
    // Act
    const result = await service.invoke({ functionName: 'nested', payload: {} });

    // Assess
    expect(result.payload).toBe('nested ok');
  });

  it('reports a missing module as Runtime.ImportModuleError', async () => {
    // Act
    const result = await service.invoke({ functionName: 'missing-module', payload: {} });

    // Assess
    expect(result.functionError).toBe('Unhandled');
    expect(result.payload).toMatchObject({
      errorType: LambdaErrorType.ImportModuleError,
      errorMessage: expect.stringMatching(/^Error: Cannot find module 'index'/),
    });
  });

  it('reports a missing or non-function export as Runtime.HandlerNotFound', async () => {
    // Act
    const missing = await service.invoke({ functionName: 'missing-export', payload: {} });
    const notFunction = await service.invoke({ functionName: 'not-a-function', payload: {} });

    // Assess
    expect(missing.payload).toMatchObject({
      errorType: LambdaErrorType.HandlerNotFound,
      errorMessage: 'index.handler is undefined or not exported',
    });
    expect(notFunction.payload).toMatchObject({
      errorType: LambdaErrorType.HandlerNotFound,
      errorMessage: 'index.handler is not a function',
    });
  });

  it('lets a handler require the AWS SDK from nodePath, as Lambda provides it', async () => {
    // Act
    const result = await service.invoke({ functionName: 'sdk-user', payload: {} });

    // Assess
    expect(result.functionError).toBeUndefined();
    expect(result.payload).toMatchObject({
      sfnClient: 'function',
      from: expect.stringContaining(path.join(REPO_NODE_MODULES, '@aws-sdk', 'client-sfn')),
    });
  });

  it('rejects a request payload over 6 MB with RequestEntityTooLargeException (413), the code AWS answers', async () => {
    // Prepare
    const payload = { blob: 'x'.repeat(MAX_REQUEST_BYTES) };

    // Act
    const attempt = service.invoke({ functionName: 'echo', payload });

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'RequestEntityTooLargeException', statusCode: 413 });
  });

  it('takes a request one byte under 6 MiB of UTF-8 and refuses one of exactly 6 MiB, counting bytes, not characters', async () => {
    // Prepare: {"blob":"..."} is 11 bytes around the string; "é" is 2 bytes and 1 character
    const blob = (bytes: number) => 'é'.repeat(1000) + 'x'.repeat(bytes - 11 - 2000);
    const under = { blob: blob(MAX_REQUEST_BYTES - 1) };
    const atLimit = { blob: blob(MAX_REQUEST_BYTES) };
    expect(Buffer.byteLength(JSON.stringify(atLimit))).toBe(MAX_REQUEST_BYTES);

    // Act
    const taken = await service.invoke({ functionName: 'echo', payload: under });
    const refused = service.invoke({ functionName: 'echo', payload: atLimit });

    // Assess: AWS's message asks for a request "smaller than 6291456 bytes"
    expect(taken.functionError).toBeUndefined();
    expect((taken.payload as { event: { blob: string } }).event.blob).toBe(under.blob);
    await expect(refused).rejects.toMatchObject({
      name: 'RequestEntityTooLargeException',
      statusCode: 413,
      message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
    });
  });

  it('fails a response over 6 MB with Function.ResponseSizeTooLarge', async () => {
    // Act
    const tooLarge = await service.invoke({ functionName: 'big-response', payload: { bytes: 7 * 1024 * 1024 } });
    const fits = await service.invoke({ functionName: 'big-response', payload: { bytes: 1024 } });

    // Assess
    expect(tooLarge.functionError).toBe('Unhandled');
    expect(tooLarge.payload).toMatchObject({
      errorType: LambdaErrorType.ResponseSizeTooLarge,
      errorMessage: expect.stringMatching(/^Response payload size \(\d+ bytes\) exceeded maximum allowed payload size/),
    });
    expect(fits.functionError).toBeUndefined();
  });

  it('sends function output and START/END/REPORT lines to the log, tagged with the function', async () => {
    // Act
    const result = await service.invoke({ functionName: 'logger', payload: {} });

    // Assess: the END/REPORT lines are written before the promise resolves; the output travels through a
    // pipe, so wait for it.
    const lines = (): string[] => logs.filter((entry) => entry.fn === 'logger').map((entry) => entry.line);
    await waitUntil(() => lines().some((line) => line.endsWith('ramen is boiling')), "the function's output");
    expect(lines()).toContain(`START RequestId: ${result.requestId} Version: $LATEST`);
    expect(lines()).toContainEqual(
      expect.stringMatching(new RegExp(`\\t${result.requestId}\\tINFO\\tramen is boiling$`)),
    );
    expect(lines()).toContainEqual(
      expect.stringMatching(new RegExp(`^REPORT RequestId: ${result.requestId}\\tDuration: [\\d.]+ ms`)),
    );
  });
});
