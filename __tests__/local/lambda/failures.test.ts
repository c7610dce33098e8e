import { createLambdaService, LambdaErrorType, type LambdaService } from '../../../local/lambda';
import { waitUntil } from '../../wait';
import { createSandbox, HANDLERS, isAlive, type Sandbox } from './fixtures';

const silent = (): void => undefined;

describe('local Lambda service: timeouts, crashes, throttling, shutdown', () => {
  let sandbox: Sandbox;
  let service: LambdaService;

  beforeAll(() => {
    sandbox = createSandbox();
    const fns = [
      sandbox.fn('healthy', { 'index.js': HANDLERS.echo }),
      sandbox.fn(
        'hang',
        {
          'index.js': `
          exports.handler = async (event) => {
            if (event.block) { while (true) {} }
            return { pid: process.pid };
          };`,
        },
        { timeoutSeconds: 1 },
      ),
      sandbox.fn('slow', { 'index.js': HANDLERS.sleep }, { timeoutSeconds: 1 }),
      sandbox.fn('exiter', {
        'index.js': `
          exports.handler = async (event) => {
            if (event.exit !== undefined) setTimeout(() => process.exit(event.exit), 50);
            await new Promise((resolve) => setTimeout(resolve, event.ms ?? 0));
            return { pid: process.pid };
          };`,
      }),
      sandbox.fn(
        'hog',
        {
          'index.js': `
          exports.handler = async () => {
            const keep = [];
            while (true) keep.push(new Array(100000).fill(1.5));
          };`,
        },
        { memorySizeMb: 64 },
      ),
      sandbox.fn(
        'buffers',
        {
          'index.js': `
          exports.handler = async (event) => {
            // Buffers live outside the JavaScript heap, which --max-old-space-size does not cover.
            const keep = [];
            for (let i = 0; i < event.mb / 8; i++) keep.push(Buffer.alloc(8 * 1024 * 1024, 1));
            return { held: keep.length * 8 };
          };`,
        },
        { memorySizeMb: 128 },
      ),
      sandbox.fn('thrower', {
        'index.js': `exports.handler = async () => { setTimeout(() => { throw new Error('escaped'); }, 10); await new Promise((r) => setTimeout(r, 500)); };`,
      }),
      sandbox.fn('single', { 'index.js': HANDLERS.sleep }, { reservedConcurrency: 1 }),
      sandbox.fn('disabled', { 'index.js': HANDLERS.echo }, { reservedConcurrency: 0 }),
    ];
    service = createLambdaService({ functions: fns, workDir: sandbox.workDir, log: silent });
  });

  afterAll(async () => {
    await service?.close();
    sandbox?.remove();
  });

  it('times out a handler that blocks its event loop, then replaces its process', async () => {
    // Prepare
    const warm = await service.invoke({ functionName: 'hang', payload: {} });
    const oldPid = (warm.payload as { pid: number }).pid;

    // Act
    const started = Date.now();
    const timedOut = await service.invoke({ functionName: 'hang', payload: { block: true } });
    const elapsed = Date.now() - started;
    const next = await service.invoke({ functionName: 'hang', payload: {} });

    // Assess
    // Never before the timeout; how late it fires depends on the machine's load, so no upper bound.
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(timedOut.functionError).toBe('Unhandled');
    expect(timedOut.payload).toEqual({
      errorType: LambdaErrorType.Timeout,
      errorMessage: `RequestId: ${timedOut.requestId} Error: Task timed out after 1.00 seconds`,
    });
    expect(next.functionError).toBeUndefined();
    expect(next.coldStart).toBe(true);
    expect((next.payload as { pid: number }).pid).not.toBe(oldPid);
    expect(isAlive(oldPid)).toBe(false);
  });

  it('times out an async handler but keeps its responsive process warm', async () => {
    // Prepare
    const warm = await service.invoke({ functionName: 'slow', payload: { ms: 0 } });

    // Act
    const timedOut = await service.invoke({ functionName: 'slow', payload: { ms: 1500 } });
    const next = await service.invoke({ functionName: 'slow', payload: { ms: 0 } });

    // Assess
    expect(timedOut.payload).toMatchObject({ errorType: LambdaErrorType.Timeout });
    expect(next.coldStart).toBe(false);
    expect(next.payload).toEqual(warm.payload);
  });

  it('fails in-flight invocations with Runtime.ExitError when the handler calls process.exit', async () => {
    // Prepare: a second invocation is in flight in the same process when it exits.
    const bystander = service.invoke({ functionName: 'exiter', payload: { ms: 1000 } });

    // Act
    const exiting = await service.invoke({ functionName: 'exiter', payload: { exit: 3, ms: 1000 } });
    const other = await bystander;
    const next = await service.invoke({ functionName: 'exiter', payload: {} });
    const elsewhere = await service.invoke({ functionName: 'healthy', payload: {} });

    // Assess
    expect(exiting.functionError).toBe('Unhandled');
    expect(exiting.payload).toEqual({
      errorType: LambdaErrorType.ExitError,
      errorMessage: `RequestId: ${exiting.requestId} Error: Runtime exited with error: exit status 3`,
    });
    expect(other.payload).toEqual({
      errorType: LambdaErrorType.ExitError,
      errorMessage: `RequestId: ${other.requestId} Error: Runtime exited with error: exit status 3`,
    });
    expect(next).toMatchObject({ coldStart: true });
    expect(next.functionError).toBeUndefined();
    expect(elsewhere.functionError).toBeUndefined();
  });

  it('reports heap exhaustion as Runtime.OutOfMemory and keeps the runtime alive', async () => {
    // Act
    const result = await service.invoke({ functionName: 'hog', payload: {} });
    const elsewhere = await service.invoke({ functionName: 'healthy', payload: {} });

    // Assess
    expect(result.functionError).toBe('Unhandled');
    expect(result.payload).toMatchObject({
      errorType: LambdaErrorType.OutOfMemory,
      errorMessage: expect.stringMatching(
        new RegExp(`^RequestId: ${result.requestId} Error: Runtime exited with error: `),
      ),
    });
    // OutOfMemory, not Timeout: the end was noticed before the function's 3 s timeout.
    expect(elsewhere.functionError).toBeUndefined();
  });

  it('counts memory outside the JavaScript heap: Buffers past 128 MB end the invocation with Runtime.OutOfMemory', async () => {
    // Prepare: well under the limit works.
    const small = await service.invoke({ functionName: 'buffers', payload: { mb: 24 } });
    expect(small.payload).toEqual({ held: 24 });

    // Act
    const result = await service.invoke({ functionName: 'buffers', payload: { mb: 160 } });
    const next = await service.invoke({ functionName: 'buffers', payload: { mb: 24 } });

    // Assess: what Lambda reports when its OOM killer ends the environment; the next one is fresh.
    expect(result.payload).toEqual({
      errorType: LambdaErrorType.OutOfMemory,
      errorMessage: `RequestId: ${result.requestId} Error: Runtime exited with error: signal: killed`,
    });
    expect(next).toMatchObject({ coldStart: true, payload: { held: 24 } });
  });

  it('ends the process on an uncaught exception and fails the invocation with Runtime.ExitError', async () => {
    // Act
    const result = await service.invoke({ functionName: 'thrower', payload: {} });

    // Assess
    expect(result.payload).toEqual({
      errorType: LambdaErrorType.ExitError,
      errorMessage: `RequestId: ${result.requestId} Error: Runtime exited with error: exit status 129`,
    });
  });

  it('throttles beyond reserved concurrency with TooManyRequestsException', async () => {
    // Prepare
    const first = service.invoke({ functionName: 'single', payload: { ms: 300 } });

    // Act
    const second = service.invoke({ functionName: 'single', payload: { ms: 0 } });

    // Assess
    await expect(second).rejects.toMatchObject({
      name: 'TooManyRequestsException',
      message: 'Rate Exceeded.',
      statusCode: 429,
      reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
    });
    expect((await first).functionError).toBeUndefined();
    // The slot is free again once the first invocation has answered.
    expect((await service.invoke({ functionName: 'single', payload: { ms: 0 } })).functionError).toBeUndefined();
  });

  it('stops waiting when the caller aborts, while the invocation keeps its concurrency slot', async () => {
    // Prepare
    const controller = new AbortController();
    const abandoned = service.invoke({ functionName: 'single', payload: { ms: 300 }, signal: controller.signal });

    // Act
    controller.abort();

    // Assess
    await expect(abandoned).rejects.toMatchObject({ name: 'AbortError' });
    await expect(service.invoke({ functionName: 'single', payload: { ms: 0 } })).rejects.toMatchObject({
      name: 'TooManyRequestsException',
    });
    // The abandoned invocation still holds the one slot until its 300 ms end; then it is free again.
    await waitUntil(
      async () => (await service.invoke({ functionName: 'single', payload: { ms: 0 } })).functionError === undefined,
      'the reserved slot to be free again',
    );
  });

  it('always throttles a function with reserved concurrency 0', async () => {
    // Act
    const attempt = service.invoke({ functionName: 'disabled', payload: {} });

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'TooManyRequestsException',
      reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
    });
  });

  it('throttles unreserved functions at the account limit', async () => {
    // Prepare
    const fn = sandbox.fn('pooled', { 'index.js': HANDLERS.sleep });
    const small = createLambdaService({
      functions: [fn],
      workDir: sandbox.workDir,
      accountConcurrency: 2,
      log: silent,
    });
    const running = [0, 1].map(() => small.invoke({ functionName: 'pooled', payload: { ms: 300 } }));

    // Act
    const third = small.invoke({ functionName: 'pooled', payload: { ms: 0 } });

    // Assess
    await expect(third).rejects.toMatchObject({
      name: 'TooManyRequestsException',
      reason: 'ConcurrentInvocationLimitExceeded',
    });
    expect((await Promise.all(running)).map((r) => r.functionError)).toEqual([undefined, undefined]);
    await small.close();
  });

  it('close() kills every process, fails in-flight invocations and refuses new ones', async () => {
    // Prepare
    const fn = sandbox.fn('closing', {
      'index.js': `
        exports.handler = async (event) => {
          console.log('invoked');
          await new Promise((resolve) => setTimeout(resolve, event.ms));
          return { pid: process.pid };
        };`,
    });
    const lines: string[] = [];
    const own = createLambdaService({
      functions: [fn],
      workDir: sandbox.workDir,
      log: (_fn, line) => lines.push(line),
    });
    const { pid } = (await own.invoke({ functionName: 'closing', payload: { ms: 0 } })).payload as { pid: number };
    const inFlight = own.invoke({ functionName: 'closing', payload: { ms: 5000 } });
    await waitUntil(
      () => lines.filter((line) => line.includes('invoked')).length === 2,
      'the second invocation to run',
    );

    // Act
    await own.close();

    // Assess
    expect(isAlive(pid)).toBe(false);
    const failed = await inFlight;
    expect(failed.functionError).toBe('Unhandled');
    expect(failed.payload).toMatchObject({ errorType: LambdaErrorType.ExitError });
    await expect(own.invoke({ functionName: 'closing', payload: {} })).rejects.toMatchObject({
      name: 'ServiceException',
    });
  });
});
