/**
 * Contract between the local Lambda service (local/lambda) and its callers (the Step Functions engine,
 * the HTTP API emulator). Shapes follow the Lambda Invoke API so callers can map them 1:1 to what
 * AWS returns.
 */

/** One function as Terraform would create it, read from the synthesized stack. */
export interface LambdaFunctionSpec {
  /** `function_name`. */
  readonly functionName: string;
  /** Local ARN, e.g. arn:aws:lambda:us-east-1:123456789012:function:async-api-dev-ramen-timer. */
  readonly functionArn: string;
  /** Absolute path of the zip Terraform would upload (`filename`). */
  readonly zipPath: string;
  /** `handler`, e.g. "index.handler". */
  readonly handler: string;
  /** `runtime`, e.g. "nodejs22.x". */
  readonly runtime: string;
  /** `environment.variables` after reference resolution. */
  readonly environment: Readonly<Record<string, string>>;
  /** `timeout` in seconds (Terraform default 3). */
  readonly timeoutSeconds: number;
  /** `memory_size` in MB (Terraform default 128). */
  readonly memorySizeMb: number;
  /** `reserved_concurrent_executions`; undefined or -1 means unreserved. */
  readonly reservedConcurrency?: number;
  /** Execution role ARN. */
  readonly roleArn: string;
}

/** A synchronous (RequestResponse) invocation. */
export interface InvokeRequest {
  /** Function name or ARN (qualified ARNs `...:function:name:$LATEST` too). */
  readonly functionName: string;
  /** The event, a JSON value. */
  readonly payload: unknown;
  /** Extra environment for this invocation's process is not per-invocation in AWS, so there is none here. */
  readonly signal?: AbortSignal;
}

/** What Lambda's Invoke API returns (HTTP 200 even when the function failed). */
export interface InvokeResult {
  readonly statusCode: 200;
  readonly executedVersion: '$LATEST';
  /** Set when the function failed ("Unhandled": thrown error, timeout, crash, out of memory). */
  readonly functionError?: 'Unhandled';
  /** The handler's result, or `{errorType, errorMessage, trace}` when functionError is set. */
  readonly payload: unknown;
  readonly requestId: string;
  readonly durationMs: number;
  /** True when this invocation paid for a new environment (module load). */
  readonly coldStart: boolean;
}

/**
 * An error of the Lambda service itself (not of the function): the Invoke API answers with a non-200
 * status. `name` is the Lambda API's error code, e.g. TooManyRequestsException (429),
 * ResourceNotFoundException (404).
 */
export class LambdaServiceError extends Error {
  constructor(
    name:
      | 'TooManyRequestsException'
      | 'ResourceNotFoundException'
      | 'ServiceException'
      | 'RequestEntityTooLargeException'
      | 'InvalidRequestContentException',
    message: string,
    readonly statusCode: number,
    /** e.g. "ReservedFunctionConcurrentInvocationLimitExceeded" for throttling. */
    readonly reason?: string,
  ) {
    super(message);
    this.name = name;
  }
}

/** The local Lambda service. */
export interface LambdaService {
  invoke(request: InvokeRequest): Promise<InvokeResult>;
  /** Stops every function process; in-flight invocations fail. */
  close(): Promise<void>;
}

/** Options to create the service. */
export interface LambdaServiceOptions {
  readonly functions: readonly LambdaFunctionSpec[];
  /** Where zips are unpacked (one folder per function and code hash). */
  readonly workDir: string;
  /**
   * Environment added to every function's own variables, per function: credentials for the
   * execution role, AWS_REGION, AWS_ENDPOINT_URL_SFN, ... (the runtime's equivalent of what
   * Lambda injects). Function variables win over nothing: reserved names here win, as in Lambda.
   */
  readonly runtimeEnvironment?: (fn: LambdaFunctionSpec) => Record<string, string>;
  /** Folders put on NODE_PATH, as Lambda's /var/runtime/node_modules provides the AWS SDK. */
  readonly nodePath?: readonly string[];
  /** Account-level unreserved concurrency (Lambda's default quota is 1000). */
  readonly accountConcurrency?: number;
  /** Where function stdout/stderr lines go (default: process.stderr with a [function] prefix). */
  readonly log?: (functionName: string, line: string) => void;
}
