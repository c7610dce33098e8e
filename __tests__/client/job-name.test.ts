/**
 * The client checks a `--job` name before sending it; the stack owns the rule (stacks/job.ts).
 * The client keeps its own copy so the CLI never loads stack code; this test keeps the two equal.
 */
import { jobNameProblem as clientProblem } from '../../client/api';
import { jobNameProblem as stackProblem } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';

describe('job names: the client accepts exactly what the stack accepts', () => {
  it.each([
    ...JOBS.map((job) => job.name),
    'a',
    'a1',
    'a-b',
    'a-1-b',
    '',
    '1a',
    '-a',
    'a-',
    'a--b',
    'A',
    'a_b',
    'a/b',
    'a.b',
    'ä',
    'start-execution',
  ])('%p', (name) => {
    expect(clientProblem(name) === undefined).toBe(stackProblem(name) === undefined);
  });

  it('accepts every job of the registry', () => {
    expect(JOBS.map((job) => clientProblem(job.name))).toEqual(JOBS.map(() => undefined));
  });
});
