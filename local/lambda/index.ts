/**
 * Local Lambda service: runs the functions of the synthesized stack offline, from the exact zips Terraform
 * would upload, and answers like Lambda's synchronous Invoke API (see types.ts for the contract).
 *
 * What it reproduces:
 * - the code: each zip is unpacked to `workDir/<function>-<sha256:12>/` (the task root, Lambda's /var/task)
 *   and the handler string resolves as in the Node.js runtime (`dir/module.export.path`, .js/.mjs/.cjs,
 *   `"type": "module"`), with the runtime's `Runtime.ImportModuleError` / `Runtime.HandlerNotFound` errors;
 * - the environment: the function's variables plus Lambda's own (AWS_LAMBDA_FUNCTION_NAME, LAMBDA_TASK_ROOT,
 *   AWS_EXECUTION_ENV, TZ, NODE_PATH, ...) and `runtimeEnvironment`; nothing from the developer's shell;
 * - failures with the payloads AWS returns: a thrown error keeps its `name` as `errorType` (Step Functions
 *   matches on it), a timeout is `Sandbox.Timedout`, a crash or `process.exit` is `Runtime.ExitError`,
 *   exceeding the memory size `Runtime.OutOfMemory`, an oversized result `Function.ResponseSizeTooLarge`;
 * - warm starts: the handler's module is loaded once per process and keeps its module scope;
 * - throttling: reserved concurrency, else the account's unreserved pool (default 1000), rejecting with
 *   `TooManyRequestsException` (429) at once, as Lambda does for synchronous invocations.
 *
 * Where it deliberately differs from AWS (to hold 1,000 running executions in a few hundred MB):
 * - One child process per function, not one execution environment per concurrent invocation. Concurrent
 *   invocations of a function share that process's module scope, memory limit and event loop; each still
 *   has its own request id, context object and timeout. So: a crash, `process.exit` or out-of-memory fails
 *   every invocation in flight in that process (each with `Runtime.ExitError`/`Runtime.OutOfMemory`), and
 *   only the first invocations after a (re)start report `coldStart: true`.
 * - A timed-out invocation whose process still answers a ping leaves the process running (AWS would reset
 *   the environment, so its next invocation would be a cold start); its late result is discarded. A process
 *   whose event loop is blocked (no answer within a second) is killed and replaced.
 * - `callbackWaitsForEmptyEventLoop` has no effect: the shared event loop never empties, so a callback's
 *   result is returned when the callback is called. A synchronous handler that neither returns a promise nor
 *   takes a callback answers `null` right after it returns (Lambda: when its event loop is empty).
 * - An uncaught exception or unhandled rejection is logged and ends the process (as in Lambda), but the
 *   invocations in flight get `Runtime.ExitError` rather than the error itself, which cannot be attributed
 *   to one of several concurrent invocations.
 * - Memory size caps the peak RSS of the process and any process it starts (from /proc, so Linux only;
 *   see memory.ts) and its V8 heap; since concurrent invocations share one process, they share one limit
 *   (stricter than Lambda).
 * - The init phase (module load) does not count against the invocation's timeout; it is limited to 10 s.
 */
import { randomUUID } from 'node:crypto';
import { MAX_REQUEST_BYTES } from './errors';
import { FunctionHost } from './function-host';
import {
  type InvokeRequest,
  type InvokeResult,
  type LambdaFunctionSpec,
  type LambdaService,
  LambdaServiceError,
  type LambdaServiceOptions,
} from './types';

export { type FunctionErrorPayload, LambdaErrorType, MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES } from './errors';
export * from './types';

/** Lambda's default account-level concurrency quota. */
const DEFAULT_ACCOUNT_CONCURRENCY = 1000;

/** Bookkeeping of one function: its host and its concurrency. */
interface FunctionEntry {
  readonly spec: LambdaFunctionSpec;
  readonly host: FunctionHost;
  /** Cap of this function alone when it has reserved concurrency. */
  readonly reserved: number | undefined;
  running: number;
}

/**
 * Creates the local Lambda service for the given functions. No process starts until a function's first
 * invocation. Call `close()` to stop every function process.
 *
 * @throws Error when two functions share a name or a function's numeric settings are invalid.
 */
export function createLambdaService(options: LambdaServiceOptions): LambdaService {
  const log = options.log ?? defaultLog;
  const accountConcurrency = options.accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY;
  if (!Number.isInteger(accountConcurrency) || accountConcurrency < 0) {
    throw new Error(`accountConcurrency must be a non-negative integer, got ${accountConcurrency}`);
  }

  const byName = new Map<string, FunctionEntry>();
  const byArn = new Map<string, FunctionEntry>();
  for (const spec of options.functions) {
    validateSpec(spec);
    if (byName.has(spec.functionName)) throw new Error(`function "${spec.functionName}" is defined twice`);
    const host = new FunctionHost({
      fn: spec,
      workDir: options.workDir,
      nodePath: options.nodePath ?? [],
      runtimeEnvironment: options.runtimeEnvironment?.(spec) ?? {},
      log: (line) => log(spec.functionName, line),
    });
    const reserved =
      spec.reservedConcurrency !== undefined && spec.reservedConcurrency >= 0 ? spec.reservedConcurrency : undefined;
    const entry: FunctionEntry = { spec, host, reserved, running: 0 };
    byName.set(spec.functionName, entry);
    byArn.set(spec.functionArn, entry);
  }

  // Lambda's unreserved pool is what the account has left after every reservation.
  const totalReserved = [...byName.values()].reduce((sum, entry) => sum + (entry.reserved ?? 0), 0);
  const unreservedCap = Math.max(0, accountConcurrency - totalReserved);
  let unreservedRunning = 0;
  const arnPrefix = options.functions[0]?.functionArn.split(':function:')[0];
  let closed = false;

  function lookup(nameOrArn: string): FunctionEntry {
    const unqualified = nameOrArn.endsWith(':$LATEST') ? nameOrArn.slice(0, -':$LATEST'.length) : nameOrArn;
    const entry = byArn.get(unqualified) ?? byName.get(unqualified);
    if (entry) return entry;
    const shown = nameOrArn.startsWith('arn:') || !arnPrefix ? nameOrArn : `${arnPrefix}:function:${nameOrArn}`;
    throw new LambdaServiceError('ResourceNotFoundException', `Function not found: ${shown}`, 404);
  }

  function serialize(payload: unknown): string {
    let json: string | undefined;
    try {
      // Lambda invoked without a payload hands the handler an empty object.
      json = JSON.stringify(payload === undefined ? {} : payload);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new LambdaServiceError(
        'InvalidRequestContentException',
        `Could not parse request body into json: ${reason}`,
        400,
      );
    }
    if (json === undefined) {
      throw new LambdaServiceError('InvalidRequestContentException', 'Could not parse request body into json', 400);
    }
    // "Smaller than": a request of exactly 6 MiB is refused too (docs/aws-behaviour.md §10.6).
    if (Buffer.byteLength(json) >= MAX_REQUEST_BYTES) {
      throw new LambdaServiceError(
        'RequestEntityTooLargeException',
        `Request must be smaller than ${MAX_REQUEST_BYTES} bytes for the InvokeFunction operation`,
        413,
      );
    }
    return json;
  }

  /** Takes a concurrency slot or throws Lambda's throttling error; returns the function that frees it. */
  function acquire(entry: FunctionEntry): () => void {
    if (entry.reserved !== undefined) {
      if (entry.running >= entry.reserved) {
        throw new LambdaServiceError(
          'TooManyRequestsException',
          'Rate Exceeded.',
          429,
          'ReservedFunctionConcurrentInvocationLimitExceeded',
        );
      }
      entry.running += 1;
      return () => {
        entry.running -= 1;
      };
    }
    if (unreservedRunning >= unreservedCap) {
      throw new LambdaServiceError(
        'TooManyRequestsException',
        'Rate Exceeded.',
        429,
        'ConcurrentInvocationLimitExceeded',
      );
    }
    unreservedRunning += 1;
    entry.running += 1;
    return () => {
      unreservedRunning -= 1;
      entry.running -= 1;
    };
  }

  async function invoke(request: InvokeRequest): Promise<InvokeResult> {
    if (closed) throw new LambdaServiceError('ServiceException', 'The local Lambda service is closed.', 500);
    request.signal?.throwIfAborted();
    const entry = lookup(request.functionName);
    const eventJson = serialize(request.payload);
    const release = acquire(entry);
    const running = entry.host.invoke(randomUUID(), eventJson);
    // The slot stays taken until the function answers, even when the caller stops waiting: a Lambda
    // invocation keeps running after its caller has gone.
    void running.then(release, release);
    return request.signal ? abortable(running, request.signal) : running;
  }

  async function close(): Promise<void> {
    closed = true;
    await Promise.all([...byName.values()].map((entry) => entry.host.close()));
  }

  return { invoke, close };
}

function validateSpec(spec: LambdaFunctionSpec): void {
  const where = `function "${spec.functionName}"`;
  if (!Number.isFinite(spec.timeoutSeconds) || spec.timeoutSeconds <= 0) {
    throw new Error(`${where}: timeoutSeconds must be a positive number, got ${spec.timeoutSeconds}`);
  }
  if (!Number.isInteger(spec.memorySizeMb) || spec.memorySizeMb < 1) {
    throw new Error(`${where}: memorySizeMb must be a positive integer, got ${spec.memorySizeMb}`);
  }
  if (spec.reservedConcurrency !== undefined && !Number.isInteger(spec.reservedConcurrency)) {
    throw new Error(`${where}: reservedConcurrency must be an integer, got ${spec.reservedConcurrency}`);
  }
}

/** Rejects with the signal's reason when it aborts first; the invocation itself runs on. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

function defaultLog(functionName: string, line: string): void {
  process.stderr.write(`[${functionName}] ${line}\n`);
}
