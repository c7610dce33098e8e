/**
 * Library behind the `async-api` CLI: an API client with SigV4/JWT auth, a pure polling core, and
 * execution helpers. Every function takes explicit options; nothing here reads the environment.
 * The CLI (`main(argv, io)`) lives in `./cli` and is not re-exported, so importing the library does
 * not load commander.
 *
 * @example
 * const client = new ApiClient({ endpoint, auth: { mode: 'iam', region, credentials: fromNodeProviderChain() } });
 * const { executionArn } = await client.startExecution({ input: { seconds: 5 } });
 * const result = await waitForExecution(client, executionArn, { timeoutMs: 15 * 60_000 });
 * if (result.outcome === WaitOutcome.Succeeded) console.log(result.detail?.output);
 */
export {
  ApiClient,
  ApiError,
  AuthError,
  EXECUTE_API_SERVICE,
  parseRetryAfter,
  type ApiClientOptions,
  type Auth,
  type DescribeResult,
  type ExecutionDescription,
  type StartResult,
  type StopResult,
} from './api';
export {
  ConfigError,
  DEFAULT_OUTPUTS_FILE,
  parseAuthMode,
  regionFromHost,
  resolveConnection,
  type AuthMode,
  type Connection,
  type ConnectionSettings,
  type ResolveInputs,
} from './config';
export {
  EXECUTION_ARN_FORMAT,
  executionArnFor,
  executionNameProblem,
  isExecutionArn,
  observeExecution,
  startOrAttach,
  waitForExecution,
  type StartOrAttachResult,
  type WaitOptions,
} from './execution';
export {
  POLL_DEFAULTS,
  RUNNING_STATUSES,
  WaitOutcome,
  pollExecution,
  validatePollOptions,
  type Observation,
  type PollOptions,
  type PollProgress,
  type PollResult,
} from './poll';
export { callWithRetries, type RetryOptions } from './retry';
export {
  DEFAULT_SCHEDULE,
  DELAY_FRACTION,
  pollCeilingMs,
  pollIntervalMs,
  retryBackoffMs,
  validateSchedule,
  withRetryAfter,
  type ScheduleOptions,
} from './schedule';
export { simulateDetection, simulateJob, formatSimulation, type SimulationOptions, type SimulationRow } from './simulate';
