/**
 * Why `npm run new-job` refuses a name, in-process: each reason with its one line. The command's own
 * contract (exit code 1, that line on stderr, nothing written) is run end to end once, in a copy of
 * the repository (__tests__/jobs/new-job.test.ts).
 */
import { join } from 'node:path';
import { refusal } from '../../scripts/new-job';
import { defaultJob } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';

const ROOT = join(__dirname, '..', '..');
const refused = (name: string) => refusal(name, ROOT, JOBS);

describe('new-job refuses', () => {
  it('a name that is not a valid job name (a URL path segment)', () => {
    expect(refused('Not_Valid')).toMatch(
      /^"Not_Valid" is not a valid job name: use lower-case letters, .*\(it is a URL path segment\)$/,
    );
  });

  it("a job's name", () => {
    const { name } = defaultJob(JOBS);
    expect(refused(name)).toBe(`a job named "${name}" exists already (stacks/jobs.ts)`);
  });

  it.each([
    ['a function of a job', () => JOBS.find((j) => j.functions.some((f) => f.name !== j.name))!.functions.at(-1)!.name],
    ['the status function', () => 'describe-execution'],
  ])("%s's name: job and function names share lambda-src/", (_label, name) => {
    expect(refused(name())).toBe(
      `a function named "${name()}" exists already; job and function names share lambda-src/`,
    );
  });

  it.each([
    ['shared', 'lambda-src/shared/ exists already; choose another name or remove it'],
    ['schedule-launcher', 'statemachine/schedule-launcher.asl.json exists already; choose another name or remove it'],
  ])('%s, whose folder or ASL file is there already', (name, expected) => {
    expect(refused(name)).toBe(expected);
  });

  // "async-api-dev-<name>-states" may have 64 characters: 14 + 43 + 7.
  it('a name one character over the longest that fits every resource name, and not the longest', () => {
    expect(refused('a'.repeat(43))).toBeUndefined();
    expect(refused('a'.repeat(44))).toMatch(
      /^"a{44}" is too long: Resource name "async-api-dev-a{44}-states" is 65 characters; the limit is 64$/,
    );
  });

  it('nothing else: a new, valid name is accepted', () => {
    expect(refused('brand-new-job')).toBeUndefined();
  });
});
