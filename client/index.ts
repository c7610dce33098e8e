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
  executionStartOnClock,
  isExecutionArn,
  observeExecution,
  startOrAttach,
  waitAfterStart,
  waitForExecution,
  type StartOrAttachRequest,
  type StartOrAttachResult,
  type StartTimes,
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
export {
  allowedDelayMs,
  simulateDetection,
  simulateJob,
  formatSimulation,
  type JobRun,
  type SimulationOptions,
  type SimulationRow,
} from './simulate';
export { measureAgainstRuntime, type RuntimeMeasureOptions, type RuntimeMeasurement } from './measure';
