/**
 * The job registry: every job this API serves, in one place. Each entry names its ASL file in
 * `statemachine/`, its functions in `lambda-src/<function>/`, its settings and an example input.
 * `npm run new-job -- <name>` adds an entry here; generic code and tests iterate over {@link JOBS}
 * and name no job.
 *
 * The first job, or the one with `default: true`, also answers `POST /start-execution`.
 */
import { join } from 'node:path';
import type { JobDefinition } from './job';

const ROOT = join(__dirname, '..');
/** `statemachine/<job>.asl.json`. */
export const asl = (job: string) => join(ROOT, 'statemachine', `${job}.asl.json`);
/** `lambda-src/<folder>/<file>`: a function's entry. */
export const entry = (folder: string, file = 'index.ts') => join(ROOT, 'lambda-src', folder, file);

/** The jobs. The first is the default (behind `POST /start-execution`) unless one says `default: true`. */
export const JOBS: readonly JobDefinition[] = [
  {
    name: 'ramen-timer',
    description: 'The demo job: waits the requested seconds, then says the ramen is boiled.',
    definitionFile: asl('ramen-timer'),
    functions: [
      {
        name: 'ramen-timer',
        description: 'Ramen timer: waits the requested seconds, then says the ramen is boiled.',
        entry: entry('ramen-timer'),
        // Lambda's maximum: the wait is bounded by it.
        timeoutSeconds: 900,
        // The worker only waits; the smallest size is enough.
        memorySizeMb: 128,
        // The wait when the input names none; the handler refuses one that does not fit the timeout.
        environment: { RAMEN_TIMER_SECONDS: '30' },
      },
    ],
    // Zero seconds: the load test and the bench measure the API, not the wait.
    exampleInput: { seconds: 0 },
    // An example, off: `enabled: true` starts the timer every night at 02:00 Berlin time (docs/jobs.md).
    schedules: [
      {
        name: 'nightly',
        expression: 'cron(0 2 * * ? *)',
        timeZone: 'Europe/Berlin',
        input: { seconds: 0 },
        enabled: false,
      },
    ],
  },
  {
    name: 'prime-counter',
    description: 'The multi-step example: counts the primes in a range, one Lambda invocation per chunk.',
    definitionFile: asl('prime-counter'),
    // Three steps, each its own function (and its own invocation): the job may run far longer than
    // Lambda's 15 minutes, as only one chunk has to fit in one invocation.
    functions: [
      {
        name: 'prime-counter-split',
        description: 'Prime counter, step 1: validates the range and cuts it into chunks.',
        entry: entry('prime-counter', 'split.ts'),
        timeoutSeconds: 10,
        memorySizeMb: 128,
      },
      {
        name: 'prime-counter-count',
        description: 'Prime counter, step 2 (Map): counts the primes of one chunk.',
        entry: entry('prime-counter', 'count.ts'),
        timeoutSeconds: 60,
        // CPU-bound: more memory buys more CPU.
        memorySizeMb: 512,
      },
      {
        name: 'prime-counter-sum',
        description: "Prime counter, step 3: adds the chunks' counts up.",
        entry: entry('prime-counter', 'sum.ts'),
        timeoutSeconds: 10,
        memorySizeMb: 128,
      },
    ],
    // Up to 1,000 chunks, 10 at a time, each up to 60 s plus retries: hours, not Lambda's 15 minutes.
    executionTimeoutSeconds: 4 * 60 * 60,
    exampleInput: { from: 1, to: 20000, chunkSize: 5000 },
  },
  // new-job: entries are added above this line.
];
