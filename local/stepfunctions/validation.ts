/**
 * Step Functions' input rules for Standard workflows (docs/aws-behaviour.md §4), checked before an
 * execution exists, so a request AWS would refuse never starts one.
 */
import { SfnError } from './errors';

/** Largest execution input, in UTF-8 bytes (256 KiB). */
export const MAX_INPUT_BYTES = 262_144;
/** Longest execution name. */
export const MAX_NAME_LENGTH = 80;

// Whitespace, the listed punctuation, control characters, U+FFFE/U+FFFF and lone surrogates.
const FORBIDDEN_NAME =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what the name may not hold
  /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;

/**
 * Checks an execution name.
 * @throws SfnError InvalidName, with AWS's message `Invalid Name: '<name>'`.
 */
export function validateExecutionName(name: string): void {
  const length = [...name].length;
  if (length < 1 || length > MAX_NAME_LENGTH || FORBIDDEN_NAME.test(name)) {
    throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
  }
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
  if (typeof arn !== 'string') throw new SfnError('InvalidArn', `Invalid Arn: 'Invalid ARN prefix: ${String(arn)}'`);
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'states') {
    throw new SfnError('InvalidArn', `Invalid Arn: 'Invalid ARN prefix: ${arn}'`);
  }
  if (parts[5] !== 'execution') {
    throw new SfnError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${parts[5] ?? ''}'`);
  }
  if (parts.length !== 8 || !parts[6] || !parts[7]) {
    throw new SfnError('InvalidArn', `Invalid Arn: 'Invalid Arn resource format: ${arn}'`);
  }
  return { region: parts[3]!, accountId: parts[4]!, stateMachineName: parts[6], executionName: parts[7] };
}

/**
 * Checks a state machine ARN's shape.
 * @throws SfnError InvalidArn.
 */
export function validateStateMachineArn(arn: unknown): string {
  if (typeof arn !== 'string') throw new SfnError('InvalidArn', `Invalid Arn: 'Invalid ARN prefix: ${String(arn)}'`);
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'states') {
    throw new SfnError('InvalidArn', `Invalid Arn: 'Invalid ARN prefix: ${arn}'`);
  }
  if (parts[5] !== 'stateMachine') {
    throw new SfnError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${parts[5] ?? ''}'`);
  }
  if (parts.length !== 7 || !parts[6])
    throw new SfnError('InvalidArn', `Invalid Arn: 'Invalid Arn resource format: ${arn}'`);
  return arn;
}
