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
const asl = (job: string) => join(ROOT, 'statemachine', `${job}.asl.json`);
const entry = (fn: string) => join(ROOT, 'lambda-src', fn, 'index.ts');

/** The jobs, in the order routes, outputs and the banner list them. */
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
  },
  // new-job: entries are added above this line.
];
