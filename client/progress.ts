/**
 * Progress on stderr while waiting: an `ora` spinner on a terminal, plain lines otherwise, nothing
 * when quiet. Kept out of the polling core, which only reports events.
 */
import type { ExecutionDescription } from './api';
import type { PollProgress } from './poll';

/** Where progress goes; `isTTY` picks the spinner. */
export interface ProgressStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  /** Terminal width, when a terminal. */
  readonly columns?: number;
}

/**
 * True when a spinner can be drawn: a terminal with a known, non-zero width. Some pseudo-terminals
 * (e.g. `script` without a controlling terminal) report 0 columns, which sends ora's line counting
 * into an endless clear loop; those get plain lines.
 */
export function canShowSpinner(stream: ProgressStream): boolean {
  return stream.isTTY === true && (stream.columns === undefined || stream.columns > 0);
}

/** Receives the waiting's events. */
export interface ProgressReporter {
  update(progress: PollProgress<ExecutionDescription>): void;
  /** Ends the display with a final line (kept even when a spinner was shown). */
  finish(line: string, ok: boolean): void;
  /** Removes the spinner without a final line (before printing something else). */
  clear(): void;
}

/** Plain lines at most this often while nothing changes, so logs show the wait is alive. */
const HEARTBEAT_MS = 60_000;

/** A reporter that prints nothing (`--quiet`). */
export const silentProgress: ProgressReporter = { update() {}, finish() {}, clear() {} };

/**
 * One line per status change, plus a heartbeat every minute; for logs and pipes.
 * `label` names the execution in the first line.
 */
export function plainProgress(stream: ProgressStream, label: string): ProgressReporter {
  let lastStatus: string | undefined;
  let lastLineAt = -Infinity;
  stream.write(`async-api: waiting for ${label}\n`);
  return {
    update({ elapsedMs, observation, nextPollMs }) {
      // The last observation is reported by finish().
      if (nextPollMs === undefined) return;
      const state = stateText(observation);
      if (state === lastStatus && elapsedMs - lastLineAt < HEARTBEAT_MS) return;
      lastStatus = state;
      lastLineAt = elapsedMs;
      stream.write(
        `async-api: ${state} after ${formatDuration(elapsedMs)}; next check in ${formatDuration(nextPollMs)}\n`,
      );
    },
    finish(line) {
      stream.write(`async-api: ${line}\n`);
    },
    clear() {},
  };
}

/**
 * An `ora` spinner showing status and elapsed time, refreshed every second between polls.
 * ora is ESM-only and needed only on a terminal, so it is loaded here, lazily.
 */
export async function spinnerProgress(
  stream: ProgressStream,
  label: string,
  now: () => number,
): Promise<ProgressReporter> {
  const { default: ora } = await import('ora');
  const startedAt = now();
  let state = 'starting';
  // discardStdin would put stdin in raw mode; Ctrl-C must stay a plain SIGINT.
  const spinner = ora({ stream: stream as NodeJS.WritableStream, discardStdin: false }).start();
  const render = (): void => {
    spinner.text = `${state} · ${formatDuration(now() - startedAt)} · ${label}`;
  };
  render();
  const ticker = setInterval(render, 1_000);
  ticker.unref();
  const stop = (): void => {
    clearInterval(ticker);
  };
  return {
    update({ observation }) {
      state = stateText(observation);
      render();
    },
    finish(line, ok) {
      stop();
      if (ok) spinner.succeed(line);
      else spinner.fail(line);
    },
    clear() {
      stop();
      spinner.stop();
    },
  };
}

/** `850ms`, `12s`, `1m 05s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))}ms`;
  const seconds = Math.round(ms / 1_000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

function stateText(observation: PollProgress<ExecutionDescription>['observation']): string {
  switch (observation.kind) {
    case 'status':
      return statusText(observation.status, currentStep(observation.detail));
    case 'not-found':
      return 'not visible yet';
    case 'retryable':
      return `retrying (${observation.message})`;
  }
}

/**
 * The step or steps the execution is in, from describe's `progress`: `Boil`, `Left, Right`, or for a
 * Map state `CountEach 3/8` (items done out of total; `3/?` when the total was not read). Undefined
 * when the API sent no progress (it ended, or an older API), so the line shows the status only.
 */
export function currentStep(description: ExecutionDescription | undefined): string | undefined {
  const states = description?.progress?.states ?? [];
  if (states.length === 0) return undefined;
  return states
    .map((state) => (state.items ? `${state.name} ${state.items.done}/${state.items.total ?? '?'}` : state.name))
    .join(', ');
}

/** `RUNNING`, or `RUNNING at <step>` once a current step is known. */
export function statusText(status: string, step: string | undefined): string {
  return step === undefined ? status : `${status} at ${step}`;
}
