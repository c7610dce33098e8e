/**
 * The `errorType` values and payload shapes Lambda reports when an invocation fails outside the handler's
 * own code (timeout, crash, out of memory, loader errors). Step Functions turns `errorType` into the error
 * name that `Retry`/`Catch` match, so these strings are part of the contract. Sources in README.md.
 */

/** errorType values the local Lambda service produces itself. */
export const LambdaErrorType = {
  /** The invocation ran longer than the function's timeout. */
  Timeout: 'Sandbox.Timedout',
  /** The function's process exited or was killed while invocations were in flight. */
  ExitError: 'Runtime.ExitError',
  /** The function's process died because it ran out of memory. */
  OutOfMemory: 'Runtime.OutOfMemory',
  /** The handler's result is larger than the synchronous response limit. */
  ResponseSizeTooLarge: 'Function.ResponseSizeTooLarge',
  /** The handler's module could not be found. */
  ImportModuleError: 'Runtime.ImportModuleError',
  /** The handler's export is missing or not a function. */
  HandlerNotFound: 'Runtime.HandlerNotFound',
  /** The handler string is not `<path/module>.<export>`. */
  MalformedHandlerName: 'Runtime.MalformedHandlerName',
  /** The handler's module has a syntax error. */
  UserCodeSyntaxError: 'Runtime.UserCodeSyntaxError',
} as const;

/** The payload of a failed invocation, as the Invoke API returns it. */
export interface FunctionErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

/** Largest synchronous request payload: 6 MB (6291456 bytes). */
export const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

/**
 * Largest synchronous response payload. The Lambda runtime API accepts 6 MiB plus 100 bytes of framing
 * (aws-lambda-runtime-interface-emulator, interop.MaxPayloadSize).
 */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100;

/** Payload of an invocation that exceeded its timeout: `RequestId: <id> Error: Task timed out after 3.00 seconds`. */
export function timeoutPayload(requestId: string, timeoutSeconds: number): FunctionErrorPayload {
  return {
    errorType: LambdaErrorType.Timeout,
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
  };
}

/**
 * Go's names for signals: Lambda's supervisor is written in Go and reports a killed runtime as
 * `signal: killed` (exec.ExitError text), so the local runtime uses the same words.
 */
const GO_SIGNAL_NAMES: Readonly<Record<string, string>> = {
  SIGABRT: 'aborted',
  SIGBUS: 'bus error',
  SIGFPE: 'floating point exception',
  SIGHUP: 'hangup',
  SIGILL: 'illegal instruction',
  SIGINT: 'interrupt',
  SIGKILL: 'killed',
  SIGPIPE: 'broken pipe',
  SIGQUIT: 'quit',
  SIGSEGV: 'segmentation fault',
  SIGTERM: 'terminated',
  SIGTRAP: 'trace/breakpoint trap',
};

/** How a function's process ended. */
export interface ProcessEnd {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when the process went over the function's memory size (peak RSS) or V8 reported heap exhaustion. */
  readonly outOfMemory: boolean;
}

/**
 * Payload for an invocation that was in flight when its process ended:
 * `RequestId: <id> Error: Runtime exited with error: exit status 1` (or `signal: killed`).
 */
export function processEndPayload(requestId: string, end: ProcessEnd): FunctionErrorPayload {
  let reason: string;
  if (end.signal) {
    reason = `Runtime exited with error: signal: ${GO_SIGNAL_NAMES[end.signal] ?? end.signal}`;
  } else if (end.exitCode === 0) {
    reason = 'Runtime exited without providing a reason';
  } else {
    reason = `Runtime exited with error: exit status ${end.exitCode ?? 'unknown'}`;
  }
  return {
    errorType: end.outOfMemory ? LambdaErrorType.OutOfMemory : LambdaErrorType.ExitError,
    errorMessage: `RequestId: ${requestId} Error: ${reason}`,
  };
}
