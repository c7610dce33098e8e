import { type ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { killTree, PROC } from '../proc';
import { unpackFunctionCode } from './code';
import { functionEnvironment, logGroupName } from './environment';
import {
  type FunctionErrorPayload,
  MAX_RESPONSE_BYTES,
  type ProcessEnd,
  processEndPayload,
  timeoutPayload,
} from './errors';
import { type ChildMessage, forwardLines, type ParentMessage } from './ipc';
import { MemoryLimit, type MemoryReport } from './memory';
import { type InvokeResult, type LambdaFunctionSpec, LambdaServiceError } from './types';

/** The child's entry point (plain CommonJS, so it starts without tsx). */
const BOOTSTRAP = path.join(__dirname, 'bootstrap.cjs');

/**
 * How long a process may take to answer a ping after one of its invocations timed out. No answer means
 * its event loop is blocked (e.g. `while (true)`), and only killing the process frees it.
 */
const BLOCKED_GRACE_MS = 1000;

/** Lambda's limit for the init phase (loading the handler's module). */
const INIT_TIMEOUT_SECONDS = 10;

/** stderr text V8 prints when the heap limit (--max-old-space-size) is reached. */
const OUT_OF_MEMORY = /JavaScript heap out of memory|Reached heap limit/;

/**
 * How often the process tree's memory is checked against the function's memory size. The check reads
 * the peak (VmHWM), not the current RSS, so a spike between two checks is still caught; a result is also
 * checked before it is returned (memory.ts), so no invocation succeeds after its process went over the limit.
 */
const MEMORY_POLL_MS = 100;

/** Settings of one function's host. */
export interface FunctionHostOptions {
  readonly fn: LambdaFunctionSpec;
  readonly workDir: string;
  readonly nodePath: readonly string[];
  readonly runtimeEnvironment: Readonly<Record<string, string>>;
  /** Receives the function's output and the START/END/REPORT lines, one line per call. */
  readonly log: (line: string) => void;
}

/** One invocation on its way through a host. */
interface Invocation {
  readonly requestId: string;
  readonly eventJson: string;
  readonly settle: (result: InvokeResult) => void;
  readonly fail: (error: Error) => void;
  coldStart: boolean;
  dispatchedAt?: number;
  timer?: NodeJS.Timeout;
}

/**
 * Runs one function: owns at most one live child process (its execution environment) at a time and
 * multiplexes every concurrent invocation over that process's IPC channel. A process that crashes, is
 * killed or fails to load its handler is replaced on the next invocation (a cold start).
 */
export class FunctionHost {
  private current: ExecutionEnvironment | undefined;
  private readonly environments = new Set<ExecutionEnvironment>();
  private closing = false;

  constructor(readonly options: FunctionHostOptions) {}

  /** Runs one invocation; resolves with Lambda's Invoke result, also when the function failed. */
  invoke(requestId: string, eventJson: string): Promise<InvokeResult> {
    return new Promise<InvokeResult>((settle, fail) => {
      this.submit({ requestId, eventJson, settle, fail, coldStart: false });
    });
  }

  /** Kills every process; their in-flight invocations resolve as failed. */
  async close(): Promise<void> {
    this.closing = true;
    this.current = undefined;
    await Promise.all([...this.environments].map((env) => env.kill()));
  }

  /** @internal Routes an invocation to the live environment, starting one when there is none. */
  submit(invocation: Invocation): void {
    if (this.closing) {
      invocation.fail(new LambdaServiceError('ServiceException', 'The local Lambda service is closed.', 500));
      return;
    }
    if (!this.current) {
      const env = new ExecutionEnvironment(this);
      this.environments.add(env);
      this.current = env;
    }
    this.current.submit(invocation);
  }

  /** @internal Called by an environment that can take no more invocations. */
  retire(env: ExecutionEnvironment): void {
    if (this.current === env) this.current = undefined;
  }

  /** @internal Called by an environment whose process is gone. */
  ended(env: ExecutionEnvironment): void {
    this.retire(env);
    this.environments.delete(env);
  }

  /** @internal */
  get isClosing(): boolean {
    return this.closing;
  }
}

type EnvironmentState = 'starting' | 'ready' | 'suspect' | 'ended';

/** One child process and the invocations it holds. */
class ExecutionEnvironment {
  private state: EnvironmentState = 'starting';
  private child: ChildProcess | undefined;
  /** Invocations not yet sent to the process (it is starting, or being checked for a blocked loop). */
  private readonly queued: Invocation[] = [];
  /** Invocations sent to the process and not yet answered. */
  private readonly inflight = new Map<string, Invocation>();
  private readonly spawnedAt = performance.now();
  private initDurationMs = 0;
  private everReady = false;
  private sawOutOfMemory = false;
  private initTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private pingCounter = 0;
  private memoryTimer: NodeJS.Timeout | undefined;
  private readonly memory: MemoryLimit;
  private initTimedOut = false;
  private readonly exited: Promise<void>;
  private markExited!: () => void;

  constructor(private readonly host: FunctionHost) {
    this.memory = new MemoryLimit(host.options.fn.memorySizeMb);
    this.exited = new Promise<void>((resolve) => (this.markExited = resolve));
    this.start().catch((err: unknown) => this.startFailed(err));
  }

  private get fn(): LambdaFunctionSpec {
    return this.host.options.fn;
  }

  submit(invocation: Invocation): void {
    invocation.coldStart = this.state === 'starting';
    if (this.state === 'ready') this.dispatch(invocation);
    else this.queued.push(invocation);
  }

  /** Kills the process (if any) and waits until it is gone. */
  async kill(): Promise<void> {
    if (this.state === 'ended') return;
    if (this.child) {
      this.killAll();
      await this.exited;
    } else {
      // Still unpacking: start() sees the host closing and ends this environment itself.
      await this.exited;
    }
  }

  private async start(): Promise<void> {
    const { fn, workDir, nodePath, runtimeEnvironment } = this.host.options;
    const taskRoot = await unpackFunctionCode(fn.zipPath, workDir, fn.functionName);
    if (this.host.isClosing) {
      this.end({ exitCode: null, signal: 'SIGKILL', outOfMemory: false });
      return;
    }
    const env = functionEnvironment(fn, {
      taskRoot,
      runtimeDir: path.dirname(BOOTSTRAP),
      nodeBinary: process.execPath,
      nodePath,
      runtimeEnvironment,
      now: new Date(),
    });
    const config = {
      taskRoot,
      handler: fn.handler,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      functionName: fn.functionName,
      functionArn: fn.functionArn,
      memoryLimitInMB: String(fn.memorySizeMb),
      logGroupName: logGroupName(fn.functionName),
      logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    };
    const child = fork(BOOTSTRAP, [JSON.stringify(config)], {
      cwd: taskRoot,
      env,
      execPath: process.execPath,
      // Not the parent's execArgv (tsx/jest loaders): the function gets a plain Node.js with a heap
      // capped at its memory size, so a runaway allocation kills only this process.
      execArgv: [`--max-old-space-size=${fn.memorySizeMb}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child = child;
    forwardLines(child.stdout, (line) => this.host.options.log(line));
    forwardLines(child.stderr, (line) => {
      if (OUT_OF_MEMORY.test(line)) this.sawOutOfMemory = true;
      this.host.options.log(line);
    });
    child.on('message', (message: ChildMessage) => this.onMessage(message));
    child.on('error', (err) => {
      if (child.pid === undefined) this.startFailed(err);
    });
    // 'close', not 'exit': stdio is drained by then, so the out-of-memory text has been seen.
    child.on('close', (exitCode, signal) =>
      this.end({ exitCode, signal, outOfMemory: this.sawOutOfMemory && !this.initTimedOut }),
    );
    this.initTimer = setTimeout(() => {
      this.initTimedOut = true;
      this.killAll();
    }, INIT_TIMEOUT_SECONDS * 1000);
    if (PROC) {
      this.memoryTimer = setInterval(() => this.checkMemory(), MEMORY_POLL_MS);
      this.memoryTimer.unref();
    }
  }

  /**
   * Lambda's memory size covers the whole execution environment, as a cgroup limit: the JavaScript
   * heap, Buffers and other memory outside it, and any process the function starts. Over the limit,
   * Lambda's OOM killer ends the environment (Runtime.OutOfMemory, "signal: killed"); so does this.
   * @param report what the bootstrap sent with a result; without it (the poll), the tree is walked.
   * @returns the tree's peak RSS in kB, or undefined when it was over the limit (and is being killed).
   */
  private checkMemory(report?: MemoryReport): number | undefined {
    const pid = this.child?.pid;
    if (pid === undefined || this.state === 'ended') return 0;
    if (this.sawOutOfMemory) return undefined;
    const peakKb = report ? this.memory.atResult(pid, report) : this.memory.poll(pid);
    if (!this.memory.isOver(peakKb)) return peakKb;
    this.sawOutOfMemory = true;
    this.host.options.log(
      `${new Date().toISOString()} Out of memory: the function's processes reached ${Math.ceil(peakKb / 1024)} MB (peak RSS), over its memory size of ${this.fn.memorySizeMb} MB; killing the execution environment`,
    );
    this.killAll();
    return undefined;
  }

  /** Ends the environment as Lambda does: every process in it, not only the function's own. */
  private killAll(): void {
    const pid = this.child?.pid;
    if (pid !== undefined && this.state !== 'ended') killTree(pid, 'SIGKILL');
  }

  private startFailed(err: unknown): void {
    if (this.state === 'ended') return;
    const message = err instanceof Error ? err.message : String(err);
    const error = new LambdaServiceError(
      'ServiceException',
      `Cannot start function ${this.fn.functionName}: ${message}`,
      500,
    );
    this.state = 'ended';
    this.host.ended(this);
    for (const invocation of this.queued.splice(0)) invocation.fail(error);
    this.markExited();
  }

  private onMessage(message: ChildMessage): void {
    switch (message.t) {
      case 'ready':
        clearTimeout(this.initTimer);
        this.initDurationMs = performance.now() - this.spawnedAt;
        this.everReady = true;
        this.state = 'ready';
        for (const invocation of this.queued.splice(0)) this.dispatch(invocation);
        break;
      case 'initError':
        // Lambda retries init on the next invocation, so this process is done; it exits by itself.
        clearTimeout(this.initTimer);
        this.host.retire(this);
        for (const invocation of this.queued.splice(0)) this.finish(invocation, message.error);
        break;
      case 'pong':
        if (this.state === 'suspect' && message.n === this.pingCounter) {
          clearTimeout(this.pingTimer);
          this.state = 'ready';
          for (const invocation of this.queued.splice(0)) this.dispatch(invocation);
        }
        break;
      case 'result': {
        const invocation = this.inflight.get(message.id);
        // Unknown id: the invocation already timed out and was answered.
        if (!invocation) return;
        // Over the limit: the kill fails this invocation (still in flight) with Runtime.OutOfMemory.
        const peakKb = this.checkMemory(message);
        if (peakKb === undefined) return;
        this.inflight.delete(message.id);
        clearTimeout(invocation.timer);
        const usedMb = peakKb > 0 ? Math.round(peakKb / 1024) : undefined;
        if (message.error) this.finish(invocation, message.error, usedMb);
        else this.finish(invocation, undefined, usedMb, JSON.parse(message.body ?? 'null'));
        break;
      }
    }
  }

  private dispatch(invocation: Invocation): void {
    if (!this.child) throw new Error('dispatch before the process started');
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    invocation.dispatchedAt = performance.now();
    this.inflight.set(invocation.requestId, invocation);
    invocation.timer = setTimeout(() => this.timedOut(invocation), timeoutMs);
    this.host.options.log(`START RequestId: ${invocation.requestId} Version: $LATEST`);
    this.send({
      t: 'invoke',
      id: invocation.requestId,
      event: invocation.eventJson,
      deadline: Date.now() + timeoutMs,
    });
  }

  /**
   * One IPC write per message. Batching what one turn of the event loop sends saved some of this
   * process's CPU in a microbenchmark, but end to end it made the webhook sender's process run out of
   * memory far more often (measured on the bench's throughput run; cause not found), so it is not done.
   */
  private send(message: ParentMessage): void {
    if (this.child?.connected) this.child.send(message);
  }

  private timedOut(invocation: Invocation): void {
    if (!this.inflight.delete(invocation.requestId)) return;
    const payload = timeoutPayload(invocation.requestId, this.fn.timeoutSeconds);
    this.host.options.log(
      `${new Date().toISOString()} ${invocation.requestId} Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds`,
    );
    this.finish(invocation, payload);
    this.checkResponsive();
  }

  /**
   * After a timeout: a process that still answers a ping keeps running (other invocations share it); one
   * whose event loop is blocked is killed. Until the answer comes, new invocations wait here rather than
   * be sent into a process that may be killed under them.
   */
  private checkResponsive(): void {
    if (this.state !== 'ready' || !this.child) return;
    this.state = 'suspect';
    this.pingCounter += 1;
    this.send({ t: 'ping', n: this.pingCounter });
    this.pingTimer = setTimeout(() => this.killAll(), BLOCKED_GRACE_MS);
  }

  private end(end: ProcessEnd): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    clearTimeout(this.initTimer);
    clearTimeout(this.pingTimer);
    clearInterval(this.memoryTimer);
    this.host.ended(this);
    for (const invocation of this.inflight.values()) {
      clearTimeout(invocation.timer);
      this.finish(invocation, processEndPayload(invocation.requestId, end));
    }
    this.inflight.clear();
    for (const invocation of this.queued.splice(0)) {
      if (this.initTimedOut) {
        this.finish(invocation, timeoutPayload(invocation.requestId, INIT_TIMEOUT_SECONDS));
      } else if (this.everReady && !this.host.isClosing) {
        // Never sent to this process: it gets a fresh one instead of sharing the crash.
        this.host.submit(invocation);
      } else {
        this.finish(invocation, processEndPayload(invocation.requestId, end));
      }
    }
    this.markExited();
  }

  private finish(
    invocation: Invocation,
    error: FunctionErrorPayload | undefined,
    rssMb?: number,
    result?: unknown,
  ): void {
    const durationMs = invocation.dispatchedAt === undefined ? 0 : performance.now() - invocation.dispatchedAt;
    const { requestId } = invocation;
    if (invocation.dispatchedAt !== undefined) {
      const fields = [
        `REPORT RequestId: ${requestId}`,
        `Duration: ${durationMs.toFixed(2)} ms`,
        `Billed Duration: ${Math.ceil(durationMs)} ms`,
        `Memory Size: ${this.fn.memorySizeMb} MB`,
        ...(rssMb === undefined ? [] : [`Max Memory Used: ${rssMb} MB`]),
        ...(invocation.coldStart ? [`Init Duration: ${this.initDurationMs.toFixed(2)} ms`] : []),
      ];
      this.host.options.log(`END RequestId: ${requestId}`);
      this.host.options.log(fields.join('\t'));
    }
    invocation.settle({
      statusCode: 200,
      executedVersion: '$LATEST',
      ...(error ? { functionError: 'Unhandled' as const, payload: error } : { payload: result ?? null }),
      requestId,
      durationMs,
      coldStart: invocation.coldStart,
    });
  }
}
