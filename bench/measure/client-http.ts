/**
 * Measures the client against a running API over real HTTP (issue #4): start a job of a given
 * length, wait for it exactly as `async-api run` does, and report how late its end was noticed and
 * how many describe requests that took. The bench calls {@link measureAgainstRuntime}; the pure,
 * virtual-clock figures come from `client/simulate.ts`.
 *
 * `npx tsx bench/measure/client-http.ts <url> [seconds...]` prints one JSON line per job (auth none).
 */
import { ApiClient, type Auth } from '../../client/api';
import { startOrAttach, waitAfterStart, waitForExecution } from '../../client/execution';
import { WaitOutcome } from '../../client/poll';
import { callWithRetries } from '../../client/retry';
import { DEFAULT_SCHEDULE, type ScheduleOptions } from '../../client/schedule';
import { allowedDelayMs } from '../../client/simulate';

/** Options of {@link measureAgainstRuntime}. */
export interface RuntimeMeasureOptions {
  /** Default `{ mode: 'none' }` (the local runtime's usual setting). */
  readonly auth?: Auth;
  readonly schedule?: Partial<ScheduleOptions>;
  /**
   * Describe requests the server has seen so far, e.g. counted in its access log. Read before the
   * start and after the wait, so the figure does not rely on the client's own count.
   */
  readonly countServerDescribes?: () => number;
  /** Give up after this long. Default the job's length plus 60 s. */
  readonly timeoutMs?: number;
}

/** One measured job. Durations in milliseconds. */
export interface RuntimeMeasurement {
  readonly jobSeconds: number;
  readonly executionArn: string;
  readonly status: string | null;
  /** `stopDate − startDate` as the API reports them: the job's real length, Lambda start-up included. */
  readonly jobMs: number;
  /** Describe requests the client sent. */
  readonly requests: number;
  /** Describe requests the server saw, when `countServerDescribes` was given. */
  readonly serverDescribes?: number;
  /** From the execution's `stopDate` until the answer saying it had ended reached the client. */
  readonly delayMs: number;
  /** What the bound allows for `jobMs` (see `allowedDelayMs` in client/simulate.ts). */
  readonly allowedDelayMs: number;
  /** `delayMs / allowedDelayMs`; ≤ 1 is within the bound (request latency included). */
  readonly boundRatio: number;
}

/**
 * Runs one job of `seconds` (`{"seconds": n}` input) against `url` and measures it. Real time:
 * takes as long as the job.
 *
 * @throws when the wait does not end with SUCCEEDED, or the API's description lacks its dates.
 */
export async function measureAgainstRuntime(
  url: string,
  seconds: number,
  options: RuntimeMeasureOptions = {},
): Promise<RuntimeMeasurement> {
  const schedule = { ...DEFAULT_SCHEDULE, ...options.schedule };
  const client = new ApiClient({ endpoint: url, auth: options.auth ?? { mode: 'none' } });
  const serverBefore = options.countServerDescribes?.();

  // The same steps as `async-api run`: a named, retried start, then the schedule for a fresh start.
  const sentAtMs = Date.now();
  const started = await startOrAttach(
    (request) => callWithRetries((signal) => client.startExecution(request, signal)),
    { input: { seconds } },
  );
  const arrivedAtMs = Date.now();
  let noticedAt = NaN;
  const result = await waitForExecution(client, started.executionArn, {
    ...schedule,
    ...waitAfterStart(started, { sentAtMs, arrivedAtMs, wallAtArrivalMs: arrivedAtMs }, schedule.minIntervalMs),
    timeoutMs: options.timeoutMs ?? seconds * 1000 + 60_000,
    onProgress: (event) => {
      if (event.nextPollMs === undefined) noticedAt = Date.now();
    },
  });

  const description = result.detail;
  if (result.outcome !== WaitOutcome.Succeeded || !description?.startDate || !description.stopDate) {
    throw new Error(`job of ${seconds} s ended ${result.outcome}${result.error ? `: ${result.error.message}` : ''}`);
  }
  const stoppedAt = Date.parse(description.stopDate);
  const jobMs = stoppedAt - Date.parse(description.startDate);
  const delayMs = noticedAt - stoppedAt;
  const allowed = allowedDelayMs(jobMs, schedule);
  return {
    jobSeconds: seconds,
    executionArn: started.executionArn,
    status: description.status,
    jobMs,
    requests: result.requests,
    ...(serverBefore !== undefined ? { serverDescribes: options.countServerDescribes!() - serverBefore } : {}),
    delayMs,
    allowedDelayMs: allowed,
    boundRatio: delayMs / allowed,
  };
}

if (require.main === module) {
  const [url, ...lengths] = process.argv.slice(2);
  if (!url) {
    process.stderr.write(
      'usage: npx tsx bench/measure/client-http.ts <url> [seconds...]   (an API with auth none, e.g. npm start)\n',
    );
    process.exitCode = 2;
  } else {
    void (async () => {
      for (const seconds of lengths.length > 0 ? lengths.map(Number) : [1, 30]) {
        process.stdout.write(`${JSON.stringify(await measureAgainstRuntime(url, seconds))}\n`);
      }
    })();
  }
}
