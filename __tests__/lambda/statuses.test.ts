/**
 * One list of execution statuses (lambda-src/shared/step-functions-arn.ts), equal to Step Functions'
 * own, and no second copy written out anywhere in the code (issue 25: the dashboard, the local
 * service, the dashboard's server and the redrive Lambda each had one).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ExecutionStatus } from '@aws-sdk/client-sfn';
import {
  EXECUTION_STATUSES,
  REDRIVABLE_STATUSES,
  RUNNING_STATUSES,
  TERMINAL_STATUSES,
} from '../../lambda-src/shared/step-functions-arn';

const ROOT = join(__dirname, '..', '..');
const HOME = 'lambda-src/shared/step-functions-arn.ts';

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path);
    return /\.(ts|cjs|js)$/.test(entry.name) ? [relative('.', path)] : [];
  });
}

describe('execution statuses', () => {
  it("are Step Functions' own, split into running and terminal ones", () => {
    expect([...EXECUTION_STATUSES].sort()).toEqual(Object.values(ExecutionStatus).sort());
    expect([...RUNNING_STATUSES, ...TERMINAL_STATUSES].sort()).toEqual([...EXECUTION_STATUSES].sort());
    expect(REDRIVABLE_STATUSES.filter((s) => !(TERMINAL_STATUSES as readonly string[]).includes(s))).toEqual([]);
  });

  it(`are written out only in ${HOME}`, () => {
    // Three or more status literals in a row, in any order, as an array or a union: what a copy looks
    // like (a pair such as `'FAILED' | 'TIMED_OUT'` is a kind of outcome, not the list)
    const status = `'(?:${EXECUTION_STATUSES.join('|')})'`;
    const list = new RegExp(`${status}(?:\\s*[,|]\\s*${status}){2,}`);
    const copies = ['lambda-src', 'local', 'client', 'stacks', 'scripts', 'bench']
      .flatMap(sources)
      .filter((file) => file !== HOME && list.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(copies).toEqual([]);
  });
});
