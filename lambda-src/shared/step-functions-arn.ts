/**
 * The one grammar of Step Functions ARNs and execution names, shared by the status Lambda (which
 * refuses requests about other state machines before calling AWS), the client (which checks
 * arguments before sending them) and the local runtime (which refuses what AWS would refuse).
 * Plain functions and regular expressions only: the Lambda bundles this file, so it stays small.
 *
 * Format: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html
 * (resource types `stateMachine` and `execution`). Names are 1–80 characters; a `:` would make the ARN
 * ambiguous and whitespace is not allowed
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
 */

/** Where an ARN lives: the fields two ARNs must share to be in the same account and region. */
interface ArnScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** A parsed `arn:<partition>:states:<region>:<account>:stateMachine:<name>`. */
export interface StateMachineArn extends ArnScope {
  readonly name: string;
}

/** A parsed `arn:<partition>:states:<region>:<account>:execution:<stateMachineName>:<name>`. */
export interface ExecutionArn extends ArnScope {
  readonly stateMachineName: string;
  readonly name: string;
}

/** Human-readable shape of a state machine ARN, for error messages. */
export const STATE_MACHINE_ARN_FORMAT = 'arn:<partition>:states:<region>:<account>:stateMachine:<name>';
/** Human-readable shape of an execution ARN, for error messages. */
export const EXECUTION_ARN_FORMAT = 'arn:<partition>:states:<region>:<account>:execution:<state machine>:<name>';

/**
 * Every status of an execution, as DescribeExecution and ListExecutions give it (the SDK's
 * `ExecutionStatus`; a test holds the two equal). The one list: the runtime, the dashboard and the
 * Lambdas import it.
 */
export const EXECUTION_STATUSES = [
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
] as const;
export type ExecutionStatusName = (typeof EXECUTION_STATUSES)[number];

/** Statuses RedriveExecution accepts (Step Functions answers any other with ExecutionNotRedrivable). */
export const REDRIVABLE_STATUSES: readonly ExecutionStatusName[] = ['FAILED', 'TIMED_OUT', 'ABORTED'];

/**
 * Statuses of an execution that has not ended. `PENDING_REDRIVE` is a redriven execution about to run
 * again (DescribeExecution reference, `status`).
 */
export const RUNNING_STATUSES: ReadonlySet<string> = new Set(['RUNNING', 'PENDING_REDRIVE']);

/** Statuses that end an execution (the terminal values of the status-change event's `status`). */
export const TERMINAL_STATUSES = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

/** Whether a status ends the execution. */
export function isTerminal(status: string): status is TerminalStatus {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

/** `detail-type` of the EventBridge events Step Functions sends when an execution's status changes. */
export const STATUS_CHANGE_DETAIL_TYPE = 'Step Functions Execution Status Change';

const SCOPE = String.raw`arn:(aws(?:-[a-z]+)*):states:([a-z]+(?:-[a-z0-9]+)+):(\d{12})`;
const NAME = String.raw`([^:\s]{1,80})`;
const STATE_MACHINE = new RegExp(`^${SCOPE}:stateMachine:${NAME}$`);
const EXECUTION = new RegExp(`^${SCOPE}:execution:${NAME}:${NAME}$`);

// StartExecution's `name`: no whitespace, brackets, wildcards, the listed punctuation, control
// characters, U+FFFE/U+FFFF or lone surrogates (AWS counts a lone surrogate as an invalid character).
const FORBIDDEN_NAME =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what AWS forbids here.
  /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;

/** Longest execution name, in characters (code points). */
export const MAX_NAME_LENGTH = 80;

/** Parses an unqualified state machine ARN; `undefined` if `arn` is not one. */
export function parseStateMachineArn(arn: string): StateMachineArn | undefined {
  const m = STATE_MACHINE.exec(arn);
  if (!m) return undefined;
  const [, partition, region, account, name] = m as unknown as [string, string, string, string, string];
  return { partition, region, account, name };
}

/** Parses a standard-workflow execution ARN; `undefined` if `arn` is not one. */
export function parseExecutionArn(arn: string): ExecutionArn | undefined {
  const m = EXECUTION.exec(arn);
  if (!m) return undefined;
  const [, partition, region, account, stateMachineName, name] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return { partition, region, account, stateMachineName, name };
}

/** True when `execution` is an execution of `stateMachine` (same partition, region, account and name). */
export function isExecutionOf(execution: ExecutionArn, stateMachine: StateMachineArn): boolean {
  return (
    execution.partition === stateMachine.partition &&
    execution.region === stateMachine.region &&
    execution.account === stateMachine.account &&
    execution.stateMachineName === stateMachine.name
  );
}

/** The ARN of the execution named `name` of `stateMachine`. */
export function executionArnOf(stateMachine: StateMachineArn, name: string): string {
  const { partition, region, account } = stateMachine;
  return `arn:${partition}:states:${region}:${account}:execution:${stateMachine.name}:${name}`;
}

/**
 * Why `name` cannot be an execution name, or undefined when it can (StartExecution reference, `name`).
 * Length counts code points, as AWS counts characters.
 */
export function executionNameProblem(name: string): string | undefined {
  const length = [...name].length;
  if (length < 1 || length > MAX_NAME_LENGTH) return `must be 1-${MAX_NAME_LENGTH} characters; got ${length}`;
  const bad = FORBIDDEN_NAME.exec(name);
  if (bad)
    return `must not contain ${JSON.stringify(bad[0])} (no whitespace, brackets, wildcards or < > { } [ ] ? * " # % \\ ^ | ~ \` $ & , ; : /)`;
  return undefined;
}
