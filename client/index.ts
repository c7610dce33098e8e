/**
 * Library behind the `async-api` CLI: an API client with SigV4/JWT auth, a pure polling core, and
 * execution helpers. Every function takes explicit options; nothing here reads the environment.
 * The CLI (`main(argv, io)`) lives in `./cli` and is not re-exported, so importing the library does
 * not load commander.
 *
 * @example
 * const client = new ApiClient({ endpoint, auth: { mode: 'iam', region, credentials: fromNodeProviderChain() } });
 * const started = await startOrAttach((request) => callWithRetries((signal) => client.startExecution(request, signal)), { input: { seconds: 5 } });
 * const result = await waitForExecution(client, started.executionArn, { timeoutMs: 15 * 60_000 });
 * if (result.outcome === WaitOutcome.Succeeded) console.log(result.detail?.output);
 */
export {
  ApiClient,
  type ApiClientOptions,
  ApiError,
  type Auth,
  AuthError,
  type DescribeResult,
  EXECUTE_API_SERVICE,
  type ExecutionDescription,
  parseRetryAfter,
  type StartResult,
  type StopResult,
} from './api';
export {
  type AuthMode,
  ConfigError,
  type Connection,
  type ConnectionSettings,
  DEFAULT_OUTPUTS_FILE,
  parseAuthMode,
  type ResolveInputs,
  regionFromHost,
  resolveConnection,
} from './config';
export {
  EXECUTION_ARN_FORMAT,
  executionArnFor,
  executionNameProblem,
  executionStartOnClock,
  isExecutionArn,
  observeExecution,
  type StartOrAttachRequest,
  type StartOrAttachResult,
  type StartTimes,
  startOrAttach,
  type WaitOptions,
  waitAfterStart,
  waitForExecution,
} from './execution';
export {
  type Observation,
  POLL_DEFAULTS,
  type PollOptions,
  type PollProgress,
  type PollResult,
  pollExecution,
  RUNNING_STATUSES,
  validatePollOptions,
  WaitOutcome,
} from './poll';
export { callWithRetries, type RetryOptions } from './retry';
export {
  DEFAULT_SCHEDULE,
  DELAY_FRACTION,
  pollCeilingMs,
  pollIntervalMs,
  retryBackoffMs,
  type ScheduleOptions,
  validateSchedule,
  withRetryAfter,
} from './schedule';
export {
  allowedDelayMs,
  formatSimulation,
  type JobRun,
  type SimulationOptions,
  type SimulationRow,
  simulateDetection,
  simulateJob,
} from './simulate';
