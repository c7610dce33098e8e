/**
 * Step Functions' input rules for Standard workflows (docs/aws-behaviour.md §4), checked before an
 * execution exists, so a request AWS would refuse never starts one.
 */
import {
  executionNameProblem,
  parseExecutionArn as parseExecutionArnShape,
  parseStateMachineArn,
} from '../../lambda-src/shared/step-functions-arn';
import { SfnError } from './errors';

/** A request's members, as the JSON body names them. */
type Request = Readonly<Record<string, unknown>>;

/**
 * A string member the request must have.
 * @throws SfnError ValidationException when it is absent or null, SerializationException when it is
 * not a string (AWS's wording for each).
 */
export function requiredString(request: Request, member: string): string {
  const value = optionalString(request, member);
  if (value === undefined) {
    throw new SfnError(
      'ValidationException',
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

/**
 * A string member the request may have; `undefined` when it is absent or null.
 * @throws SfnError SerializationException when it is not a string.
 */
export function optionalString(request: Request, member: string): string | undefined {
  const value = request[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new SfnError('SerializationException', `Expected a string for '${member}'`);
  return value;
}

/** Longest `error` and `cause` of StopExecution and SendTaskFailure, in characters (AWS API reference). */
export const MAX_ERROR_CHARS = 256;
export const MAX_CAUSE_CHARS = 32_768;

/**
 * The `error` and `cause` members of StopExecution and SendTaskFailure.
 * @throws SfnError SerializationException when one is not a string, ValidationException when one is too long.
 */
export function errorAndCause(request: Request): { readonly error?: string; readonly cause?: string } {
  const error = optionalString(request, 'error');
  const cause = optionalString(request, 'cause');
  if (error !== undefined && error.length > MAX_ERROR_CHARS) throw lengthError('error', MAX_ERROR_CHARS);
  if (cause !== undefined && cause.length > MAX_CAUSE_CHARS) throw lengthError('cause', MAX_CAUSE_CHARS);
  return { ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) };
}

function lengthError(member: string, max: number): SfnError {
  return new SfnError(
    'ValidationException',
    `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
  );
}

/** Largest execution input, in UTF-8 bytes (256 KiB). */
export const MAX_INPUT_BYTES = 262_144;

/**
 * Checks an execution name.
 * @throws SfnError InvalidName, with AWS's message `Invalid Name: '<name>'`.
 */
export function validateExecutionName(name: string): void {
  if (executionNameProblem(name) !== undefined) throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
}

/**
 * Checks execution input: at most 256 KiB of UTF-8 and valid JSON.
 * @returns the parsed input.
 * @throws SfnError InvalidExecutionInput.
 */
export function parseExecutionInput(input: string): unknown {
  const bytes = Buffer.byteLength(input, 'utf8');
  if (bytes > MAX_INPUT_BYTES) {
    // AWS documents InvalidExecutionInput for input that is not valid; whether oversize gets this code
    // or ValidationException is unverified (docs/aws-behaviour.md §4.3).
    throw new SfnError(
      'InvalidExecutionInput',
      `Invalid State Machine Execution Input: 'input is ${bytes} bytes; the limit is ${MAX_INPUT_BYTES} bytes'`,
    );
  }
  try {
    return JSON.parse(input);
  } catch (err) {
    throw new SfnError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${(err as Error).message}'`);
  }
}

/** The parts of an execution ARN. */
export interface ExecutionArnParts {
  readonly region: string;
  readonly accountId: string;
  readonly stateMachineName: string;
  readonly executionName: string;
}

/**
 * Parses `arn:<partition>:states:<region>:<account>:execution:<machine>:<name>`.
 * @throws SfnError InvalidArn with AWS's wording.
 */
export function parseExecutionArn(arn: unknown): ExecutionArnParts {
  const parsed = parseExecutionArnShape(checkArnPrefix(arn, 'execution'));
  if (!parsed) throw new SfnError('InvalidArn', `Invalid Arn: 'Invalid Arn resource format: ${arn}'`);
  const { region, account, stateMachineName, name } = parsed;
  return { region, accountId: account, stateMachineName, executionName: name };
}

/**
 * Checks a state machine ARN's shape.
 * @throws SfnError InvalidArn.
 */
export function validateStateMachineArn(arn: unknown): string {
  const text = checkArnPrefix(arn, 'stateMachine');
  if (!parseStateMachineArn(text))
    throw new SfnError('InvalidArn', `Invalid Arn: 'Invalid Arn resource format: ${text}'`);
  return text;
}

// AWS names the first thing wrong: the prefix, then the resource type; the rest of the grammar is
// the shared one (lambda-src/shared/step-functions-arn.ts).
function checkArnPrefix(arn: unknown, resourceType: 'execution' | 'stateMachine'): string {
  if (typeof arn !== 'string') throw new SfnError('InvalidArn', `Invalid Arn: 'Invalid ARN prefix: ${String(arn)}'`);
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'states') {
    throw new SfnError('InvalidArn', `Invalid Arn: 'Invalid ARN prefix: ${arn}'`);
  }
  if (parts[5] !== resourceType) {
    throw new SfnError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${parts[5] ?? ''}'`);
  }
  return arn;
}
