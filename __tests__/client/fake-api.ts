/**
 * Test doubles for the client: a loopback HTTP server that records requests, and a handler that
 * follows the API's contract in README.md "The API" (start, describe with Retry-After while RUNNING, stop, Step Functions'
 * error bodies). Not a replacement for the local runtime's end-to-end tests.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the server received it. */
export interface CapturedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What the handler answers. */
export interface FakeResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Close the connection without answering (the client sees a network error). */
  readonly drop?: boolean;
}

/** A running fake server. */
export interface FakeServer {
  readonly url: string;
  readonly requests: CapturedRequest[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 (port 0) answering with `handler`. */
export async function startFakeServer(
  handler: (request: CapturedRequest) => FakeResponse | Promise<FakeResponse>,
): Promise<FakeServer> {
  const requests: CapturedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const captured = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(captured);
      Promise.resolve(handler(captured)).then(
        (response) => {
          if (response.drop) {
            req.socket.destroy();
            return;
          }
          res.writeHead(response.status, { 'content-type': 'application/json', ...response.headers });
          res.end(
            response.body === undefined
              ? ''
              : typeof response.body === 'string'
                ? response.body
                : JSON.stringify(response.body),
          );
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: String(err) }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

export const MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:async-api-dev-ramen-timer';
export const RAMEN_OUTPUT = { message: "The ramen is boiled. If you don't eat it quickly, it will grow." };

/** Behaviour of {@link contractApi}. */
export interface ContractOptions {
  /** Describes answered RUNNING before the final status. Default 2. */
  readonly runningDescribes?: number;
  /** Final status. Default SUCCEEDED. */
  readonly finalStatus?: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  /** Called for each describe with its 1-based number (e.g. to press Ctrl-C). */
  readonly onDescribe?: (count: number) => void;
  /**
   * Called for each start with its 1-based number, after Step Functions has created (or found) the
   * execution; a response returned replaces the real answer (e.g. a 500 or a dropped connection
   * after the execution was created).
   */
  readonly afterStart?: (count: number, execution: FakeExecution) => FakeResponse | undefined;
  /**
   * Jobs besides the default one: name → state machine ARN, each answering
   * `POST /<job>/start-execution` (the default job, MACHINE_ARN, answers `POST /start-execution`).
   */
  readonly jobs?: Readonly<Record<string, string>>;
}

/** An execution of the fake Step Functions. */
export interface FakeExecution {
  /** The input as Step Functions stores it (JSON text). */
  readonly input: string;
  describes: number;
  stopped: boolean;
  /** Set to end it at once, whatever `runningDescribes` says. */
  ended: boolean;
}

/** State of the fake Step Functions behind {@link contractApi}. */
export interface ContractState {
  readonly executions: Map<string, FakeExecution>;
}

/** A handler implementing the API's contract (README "The API") for the default job's state machine and any `jobs`. */
export function contractApi(options: ContractOptions = {}): {
  handler: (request: CapturedRequest) => FakeResponse;
  state: ContractState;
} {
  const runningDescribes = options.runningDescribes ?? 2;
  const finalStatus = options.finalStatus ?? 'SUCCEEDED';
  const executions: ContractState['executions'] = new Map();
  let counter = 0;
  let describeCount = 0;
  let startCount = 0;
  const statusOf = (execution: FakeExecution): string =>
    execution.stopped ? 'ABORTED' : execution.ended || execution.describes > runningDescribes ? finalStatus : 'RUNNING';
  // The route a start came on decides the state machine, as the stack's integrations do.
  const machineOf = (path: string): string | undefined => {
    if (path === '/start-execution') return MACHINE_ARN;
    const job = /^\/([a-z0-9-]+)\/start-execution$/.exec(path)?.[1];
    return job === undefined ? undefined : options.jobs?.[job];
  };

  const start = (machine: string, body: Record<string, unknown>): FakeResponse => {
    const executionPrefix = machine.replace(':stateMachine:', ':execution:');
    const name = typeof body.name === 'string' ? body.name : `exec-${++counter}`;
    const executionArn = `${executionPrefix}:${name}`;
    const input = JSON.stringify(body.input ?? {});
    const existing = executions.get(executionArn);
    // Step Functions: the same name and input while it runs is the same start (idempotent).
    if (existing && (existing.input !== input || statusOf(existing) !== 'RUNNING')) {
      // Step Functions' JSON 1.0 error, passed through by the service integration.
      return {
        status: 400,
        body: {
          __type: 'com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists',
          message: `Execution Already Exists: '${executionArn}'`,
        },
      };
    }
    const execution = existing ?? { input, describes: 0, stopped: false, ended: false };
    executions.set(executionArn, execution);
    const fault = options.afterStart?.(++startCount, execution);
    return fault ?? { status: 200, body: { executionArn, startDate: 1732480000.123 } };
  };

  const handler = (request: CapturedRequest): FakeResponse => {
    if (request.method !== 'POST') return { status: 404, body: { message: 'Not Found' } };
    const body = JSON.parse(request.body || '{}') as Record<string, unknown>;
    // A start with a webhook starts the same job (the URL checks are the webhook-start Lambda's own tests').
    const machine = machineOf(request.path.replace(/-with-webhook$/, ''));
    if (machine !== undefined) return start(machine, body);
    switch (request.path) {
      case '/describe-execution': {
        const executionArn = String(body.executionArn);
        const execution = executions.get(executionArn);
        if (!execution) return { status: 404, body: { message: `Execution not found: ${executionArn}` } };
        execution.describes += 1;
        options.onDescribe?.(++describeCount);
        const status = statusOf(execution);
        const running = status === 'RUNNING';
        return {
          status: 200,
          headers: running ? { 'retry-after': '1' } : {},
          body: {
            executionArn,
            name: executionArn.split(':').pop(),
            status,
            startDate: '2024-11-24T20:26:40.123Z',
            stopDate: running ? null : '2024-11-24T20:26:45.000Z',
            input: JSON.parse(execution.input),
            output: status === 'SUCCEEDED' ? RAMEN_OUTPUT : null,
            error: status === 'FAILED' ? 'RamenTimer.InvalidInput' : null,
            cause: status === 'FAILED' ? 'seconds must be a number' : null,
          },
        };
      }
      case '/stop-execution': {
        const execution = executions.get(String(body.executionArn));
        if (!execution)
          return { status: 400, body: { __type: 'ExecutionDoesNotExist', message: 'Execution does not exist' } };
        execution.stopped = true;
        return { status: 200, body: { stopDate: 1732480005.5 } };
      }
      case '/list-executions': {
        // Only the job filter, as the list Lambda checks it (lambda-src/list-executions/handler.ts).
        const jobs = ['ramen-timer', ...Object.keys(options.jobs ?? {})];
        if (body.job !== undefined && !jobs.includes(String(body.job)))
          return {
            status: 400,
            body: { message: `job must be one of ${jobs.join(', ')}; got ${JSON.stringify(body.job)}` },
          };
        return { status: 200, body: { executions: [], nextToken: null } };
      }
      default:
        return { status: 404, body: { message: 'Not Found' } };
    }
  };
  return { handler, state: { executions } };
}

/** A virtual clock: `sleep` advances it instantly and records each pause; it rejects once the signal aborts. */
export function virtualTime(): {
  now: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  sleeps: number[];
  advance: (ms: number) => void;
} {
  let clock = 0;
  const sleeps: number[] = [];
  return {
    now: () => clock,
    sleep: async (ms, signal) => {
      if (signal.aborted) throw signal.reason;
      sleeps.push(ms);
      clock += ms;
    },
    sleeps,
    advance: (ms) => {
      clock += ms;
    },
  };
}
