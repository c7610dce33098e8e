/**
 * Parsing of Step Functions ARNs, so the status API can refuse requests about other state machines
 * before calling AWS.
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

const SCOPE = String.raw`arn:(aws(?:-[a-z]+)*):states:([a-z]+(?:-[a-z0-9]+)+):(\d{12})`;
const NAME = String.raw`([^:\s]{1,80})`;
const STATE_MACHINE = new RegExp(`^${SCOPE}:stateMachine:${NAME}$`);
const EXECUTION = new RegExp(`^${SCOPE}:execution:${NAME}:${NAME}$`);

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
