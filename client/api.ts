/**
 * HTTP client for the async API (contract: POST /start-execution — the default job — or
 * /<job>/start-execution, /describe-execution, /stop-execution, /list-executions,
 * /get-execution-history and /redrive-execution with JSON bodies). One request per call; retrying is the caller's choice
 * (`poll.ts` for waits, `retry.ts` for single calls) because only the caller knows what is safe.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { ExecutionStatusBody } from '../lambda-src/describe-execution/handler';
import type { RunningState } from '../lambda-src/describe-execution/progress';
import type { ListExecutionsBody } from '../lambda-src/list-executions/handler';
import type { RedriveExecutionBody } from '../lambda-src/redrive-execution/handler';

/** Service name API Gateway expects in a SigV4 credential scope. */
export const EXECUTE_API_SERVICE = 'execute-api';

// The stack's rule for job names (stacks/job.ts): they are URL path segments.
const JOB_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/**
 * Why `job` cannot name a job's route, or undefined when it can: lower-case letters, digits and
 * single `-` between them, starting with a letter, as the stack accepts them.
 */
export function jobNameProblem(job: string): string | undefined {
  if (JOB_NAME.test(job)) return undefined;
  return `${JSON.stringify(job)} is not a job name: use lower-case letters, digits and single "-" between them, starting with a letter (it is a URL path segment)`;
}

/** The start route of `job`: `/<job>/start-execution`, or `/start-execution` (the API's default job). */
export function startExecutionPath(job?: string): string {
  if (job === undefined) return '/start-execution';
  const problem = jobNameProblem(job);
  if (problem) throw new TypeError(`job: ${problem}`);
  return `/${job}/start-execution`;
}

/** How requests are authorised. */
export type Auth =
  | {
      readonly mode: 'iam';
      /** Region of the API (credential scope). */
      readonly region: string;
      /** Static credentials or a provider such as `fromNodeProviderChain()`. */
      readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
    }
  | { readonly mode: 'jwt'; readonly token: string }
  | { readonly mode: 'none' };

/** Options of {@link ApiClient}. */
export interface ApiClientOptions {
  /** Base URL of the API, e.g. `https://abc123.execute-api.us-east-1.amazonaws.com`. */
  readonly endpoint: string;
  readonly auth: Auth;
  /** Per-request time limit. Default 10 000 ms. */
  readonly requestTimeoutMs?: number;
  /** Default the global `fetch` (Node 22). */
  readonly fetch?: typeof fetch;
  /** Clock used for signing dates and HTTP-date `Retry-After`. Default `Date.now`. */
  readonly now?: () => number;
}

/** An execution as `POST /describe-execution` returns it. */
export type ExecutionDescription = ExecutionStatusBody;

/** `POST /start-execution` response (Step Functions' own). */
export interface StartResult {
  readonly executionArn: string;
  /** Epoch seconds. */
  readonly startDate: number;
}

/** `POST /stop-execution` response. */
export interface StopResult {
  /** Epoch seconds. */
  readonly stopDate: number;
}

/** `POST /list-executions` request: every field optional (see docs/client.md). */
export interface ListExecutionsRequest {
  readonly job?: string;
  readonly status?: string;
  readonly maxResults?: number;
  readonly nextToken?: string;
}

/** One page of `POST /list-executions`. */
export type ListExecutionsPage = ListExecutionsBody;

/** `POST /get-execution-history` request: Step Functions' GetExecutionHistory members. */
export interface ExecutionHistoryRequest {
  readonly executionArn: string;
  readonly maxResults?: number;
  readonly reverseOrder?: boolean;
  readonly includeExecutionData?: boolean;
  readonly nextToken?: string;
}

/** One page of `POST /get-execution-history`: events in Step Functions' shape, dates as ISO-8601. */
export interface ExecutionHistoryPage {
  readonly events: readonly Record<string, unknown>[];
  readonly nextToken: string | null;
  /** Present when an event too large for Lambda's response was sent without its data. */
  readonly executionDataOmitted?: true;
}

/** `POST /redrive-execution` response, its date as ISO-8601 like every date the client returns. */
export interface RedriveResult extends Omit<RedriveExecutionBody, 'redriveDate'> {
  readonly redriveDate: string | null;
}

/** A description together with the server's polling hint. */
export interface DescribeResult {
  readonly description: ExecutionDescription;
  /** From `Retry-After` while running. */
  readonly retryAfterMs?: number;
}

/**
 * A request that did not succeed: an HTTP error (status set), a network failure or a timeout.
 * `message` is the API's own message when it sent one.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** HTTP status; undefined for network failures and timeouts. */
  readonly status?: number;
  /** Step Functions error type from `__type` without its namespace, e.g. `ExecutionAlreadyExists`. */
  readonly code?: string;
  /** From `Retry-After`. */
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    details: { status?: number; code?: string; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.code = details.code;
    this.retryAfterMs = details.retryAfterMs;
  }

  /**
   * Worth retrying: throttled (429 or a Step Functions throttling error), 5xx, network or timeout.
   * Everything else (400, 401, 403, 404) will fail the same way again.
   */
  get retryable(): boolean {
    if (this.status === undefined) return true;
    if (this.status === 429 || this.status >= 500) return true;
    return this.code === 'ThrottlingException' || this.code === 'TooManyRequestsException';
  }
}

/** Credentials could not be found or the signer failed; retrying will not help. */
export class AuthError extends Error {
  override readonly name = 'AuthError';
}

/** Minimal client for the API's routes. */
export class ApiClient {
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly requestTimeoutMs: number;
  private readonly signer?: SignatureV4;

  /** @throws TypeError naming the field for an invalid endpoint, auth or timeout. */
  constructor(private readonly options: ApiClientOptions) {
    let url: URL;
    try {
      url = new URL(options.endpoint);
    } catch {
      throw new TypeError(`endpoint must be an http(s) URL; got ${JSON.stringify(options.endpoint)}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new TypeError(`endpoint must be an http(s) URL; got ${JSON.stringify(options.endpoint)}`);
    }
    // A stage path (e.g. /prod) is kept; routes are appended to it.
    this.base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    this.fetchImpl = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    if (!(this.requestTimeoutMs > 0)) throw new TypeError(`requestTimeoutMs must be > 0; got ${this.requestTimeoutMs}`);
    const auth = options.auth;
    if (auth.mode === 'iam') {
      if (!auth.region) throw new TypeError('auth.region is required for SigV4 (mode iam)');
      this.signer = new SignatureV4({
        service: EXECUTE_API_SERVICE,
        region: auth.region,
        credentials: auth.credentials,
        sha256: Sha256,
      });
    } else if (auth.mode === 'jwt' && !auth.token) {
      throw new TypeError('auth.token is required for mode jwt');
    }
  }

  /** The base URL requests go to. */
  get endpoint(): string {
    return this.base;
  }

  /**
   * `POST /start-execution`, or `POST /<job>/start-execution` when `job` is given; with `webhook`,
   * `POST /<job>/start-execution-with-webhook` (there is no such route without a job).
   */
  async startExecution(
    request: { input: unknown; name?: string; job?: string; webhook?: string },
    signal?: AbortSignal,
  ): Promise<StartResult> {
    const body: Record<string, unknown> = { input: request.input };
    if (request.name !== undefined) body.name = request.name;
    if (request.webhook !== undefined) body.webhook = request.webhook;
    if (request.webhook !== undefined && request.job === undefined)
      throw new TypeError('job: a start with a webhook names its job (POST /<job>/start-execution-with-webhook)');
    const path = startExecutionPath(request.job);
    const { json } = await this.post(request.webhook === undefined ? path : `${path}-with-webhook`, body, signal);
    if (!isRecord(json) || typeof json.executionArn !== 'string') {
      throw new ApiError(`start-execution returned no executionArn: ${preview(json)}`, { status: 200 });
    }
    return { executionArn: json.executionArn, startDate: Number(json.startDate) };
  }

  /** `POST /describe-execution`. */
  async describeExecution(executionArn: string, signal?: AbortSignal): Promise<DescribeResult> {
    const { json, retryAfterMs } = await this.post('/describe-execution', { executionArn }, signal);
    if (!isRecord(json) || typeof json.status !== 'string') {
      throw new ApiError(`describe-execution returned no status: ${preview(json)}`, { status: 200 });
    }
    const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
    return {
      description: {
        executionArn: typeof json.executionArn === 'string' ? json.executionArn : executionArn,
        name: text(json.name),
        status: json.status,
        startDate: text(json.startDate),
        stopDate: text(json.stopDate),
        input: json.input ?? null,
        output: json.output ?? null,
        error: text(json.error),
        cause: text(json.cause),
        redriveCount: typeof json.redriveCount === 'number' ? json.redriveCount : null,
        redriveDate: text(json.redriveDate),
        redriveStatus: text(json.redriveStatus),
        redriveStatusReason: text(json.redriveStatusReason),
        progress: progressOf(json.progress),
      },
      retryAfterMs,
    };
  }

  /** `POST /stop-execution`. */
  async stopExecution(
    request: { executionArn: string; error?: string; cause?: string },
    signal?: AbortSignal,
  ): Promise<StopResult> {
    const { json } = await this.post('/stop-execution', request, signal);
    return { stopDate: isRecord(json) ? Number(json.stopDate) : NaN };
  }

  /** `POST /list-executions`: one page, newest first. */
  async listExecutions(request: ListExecutionsRequest = {}, signal?: AbortSignal): Promise<ListExecutionsPage> {
    const { json } = await this.post('/list-executions', request, signal);
    if (!isRecord(json) || !Array.isArray(json.executions)) {
      throw new ApiError(`list-executions returned no executions: ${preview(json)}`, { status: 200 });
    }
    return {
      executions: json.executions as ListExecutionsPage['executions'],
      nextToken: typeof json.nextToken === 'string' ? json.nextToken : null,
    };
  }

  /** `POST /get-execution-history`: one page of events. */
  async getExecutionHistory(request: ExecutionHistoryRequest, signal?: AbortSignal): Promise<ExecutionHistoryPage> {
    const { json } = await this.post('/get-execution-history', request, signal);
    if (!isRecord(json) || !Array.isArray(json.events)) {
      throw new ApiError(`get-execution-history returned no events: ${preview(json)}`, { status: 200 });
    }
    return {
      events: json.events.filter(isRecord),
      nextToken: typeof json.nextToken === 'string' ? json.nextToken : null,
      ...(json.executionDataOmitted === true ? { executionDataOmitted: true as const } : {}),
    };
  }

  /** `POST /redrive-execution`: the same execution (same ARN) resumes from where it failed. */
  async redriveExecution(executionArn: string, signal?: AbortSignal): Promise<RedriveResult> {
    const { json } = await this.post('/redrive-execution', { executionArn }, signal);
    return {
      executionArn: isRecord(json) && typeof json.executionArn === 'string' ? json.executionArn : executionArn,
      redriveDate: redriveDateOf(isRecord(json) ? json.redriveDate : undefined),
    };
  }

  private async post(
    route: string,
    payload: unknown,
    signal: AbortSignal | undefined,
  ): Promise<{ json: unknown; retryAfterMs?: number }> {
    const url = new URL(this.base + route);
    const body = JSON.stringify(payload);
    const headers = await this.headersFor(url, body);
    const timeout = AbortSignal.timeout(this.requestTimeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;

    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url, { method: 'POST', headers, body, signal: combined });
      text = await response.text();
    } catch (err) {
      // The caller's abort is not an API failure: let it through unchanged.
      if (signal?.aborted) throw signal.reason ?? err;
      if (timeout.aborted) {
        throw new ApiError(`${route.slice(1)}: no response within ${this.requestTimeoutMs} ms`, { cause: err });
      }
      throw new ApiError(`${route.slice(1)}: network error: ${describeNetworkError(err)}`, { cause: err });
    }

    const json = parseJson(text);
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.now());
    if (response.ok) {
      if (json === undefined) {
        throw new ApiError(`${route.slice(1)} returned a body that is not JSON: ${preview(text)}`, {
          status: response.status,
        });
      }
      return { json, retryAfterMs };
    }
    const message = errorMessage(json, text, response);
    throw new ApiError(message, { status: response.status, code: errorCode(json), retryAfterMs });
  }

  private async headersFor(url: URL, body: string): Promise<Record<string, string>> {
    const auth = this.options.auth;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (auth.mode === 'jwt') return { ...headers, authorization: `Bearer ${auth.token}` };
    if (auth.mode === 'none' || !this.signer) return headers;

    // The signed Host must be what fetch sends: host[:port] of the URL.
    const request = new HttpRequest({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      headers: { ...headers, host: url.host },
      body,
    });
    try {
      const signed = await this.signer.sign(request, { signingDate: new Date(this.now()) });
      return signed.headers;
    } catch (err) {
      throw new AuthError(`cannot sign the request (SigV4): ${messageOf(err)}`, {
        cause: err,
      });
    }
  }
}

/**
 * `Retry-After` as milliseconds: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * Undefined when absent or unparseable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function errorMessage(json: unknown, text: string, response: Response): string {
  if (isRecord(json)) {
    const message = json.message ?? json.Message;
    if (typeof message === 'string' && message !== '') return message;
  }
  const trimmed = text.trim();
  return trimmed !== '' ? preview(trimmed) : `HTTP ${response.status} ${response.statusText}`.trim();
}

/** `__type` looks like `com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists` or just the name. */
function errorCode(json: unknown): string | undefined {
  if (!isRecord(json) || typeof json.__type !== 'string') return undefined;
  const type = json.__type;
  return type.slice(type.lastIndexOf('#') + 1).split(':')[0] || undefined;
}

function describeNetworkError(err: unknown): string {
  // undici hides the useful part (ECONNREFUSED, ENOTFOUND) in `cause`. Duck-typed: fetch's errors
  // may come from another realm (e.g. under jest), where `instanceof Error` is false.
  const cause = isRecord(err) && isRecord(err.cause) ? err.cause : undefined;
  // An AggregateError (several addresses tried) has an empty message but a code.
  const detail = [cause?.message, cause?.code].find((part): part is string => typeof part === 'string' && part !== '');
  return detail ? `${messageOf(err)} (${detail})` : messageOf(err);
}

function messageOf(err: unknown): string {
  return isRecord(err) && typeof err.message === 'string' ? err.message : String(err);
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === undefined ? 'nothing' : text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * The describe's `progress` when it has the documented shape; `null` otherwise (an older API without
 * the field, or a history read that failed), so a client never fails over what is only a hint.
 */
function progressOf(value: unknown): ExecutionDescription['progress'] {
  if (!isRecord(value) || !Array.isArray(value.states)) return null;
  const states = value.states.filter((s): s is RunningState => isRecord(s) && typeof s.name === 'string');
  return {
    states,
    complete: value.complete === true,
    historyCalls: typeof value.historyCalls === 'number' ? value.historyCalls : 0,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `redriveDate` as ISO 8601, like every date the client prints: the API answers epoch seconds (as
 * start and stop do); an API deployed before that answered an ISO string, taken as it is.
 */
function redriveDateOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  return typeof value === 'number' && Number.isFinite(value) ? new Date(Math.round(value * 1000)).toISOString() : null;
}
