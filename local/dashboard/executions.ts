/**
 * The dashboard's list of executions: one page across the served jobs, newest first, with filters
 * and a cursor that stays exact while executions start (its own module: the page's server routes
 * requests, this pages them).
 */
import { EXECUTION_STATUSES } from '../../lambda-src/shared/step-functions-arn';
import { servedJobs } from '../banner';
import type { StepFunctionsService } from '../stepfunctions/service';
import type { StackModel } from '../terraform/model';
import type { ExecutionSummary } from './wire';

/** Executions per page of the list. */
export const PAGE_SIZE = 50;

const DEVELOPER = { kind: 'developer' } as const;
const STATUSES = EXECUTION_STATUSES;

/** A request the dashboard's API refuses with 400 and this message. */
export class BadRequest extends Error {}

/**
 * One page of executions, newest first, across the selected jobs: `job`, `status` (exact), `name`
 * (substring) filter; `after` is the cursor the previous page returned (start date and ARN of its
 * last item), so executions started meanwhile neither shift nor repeat items.
 */
export async function executionsPage(
  sfn: StepFunctionsService,
  model: StackModel,
  query: URLSearchParams,
): Promise<{ executions: ExecutionSummary[]; next?: string }> {
  const job = query.get('job') || undefined;
  const status = query.get('status') || undefined;
  const name = query.get('name') || undefined;
  const after = query.get('after') ? parseCursor(query.get('after')!) : undefined;
  const jobs = servedJobs(model).filter((j) => job === undefined || j.name === job);
  if (job !== undefined && jobs.length === 0) throw new BadRequest(`no job ${JSON.stringify(job)} in the served stack`);
  if (status !== undefined && !(STATUSES as readonly string[]).includes(status))
    throw new BadRequest(`status must be one of ${STATUSES.join(', ')}`);
  const cursorMachine = after ? machineOfExecution(after.executionArn) : undefined;
  const cursorRank = jobs.findIndex((j) => j.stateMachineArn === cursorMachine);
  // Order: newest first; within one millisecond by job (the registry's order), then as
  // ListExecutions gives them (start order), so the order is total and a cursor is exact.
  const found: (ExecutionSummary & { rank: number })[] = [];
  for (const [rank, j] of jobs.entries()) {
    let nextToken: unknown;
    let passedCursor = false;
    do {
      const page = (await sfn.call('ListExecutions', DEVELOPER, {
        stateMachineArn: j.stateMachineArn,
        maxResults: 1000,
        ...(status ? { statusFilter: status } : {}),
        ...(nextToken ? { nextToken } : {}),
      })) as {
        executions: { executionArn: string; name: string; status: string; startDate: number; stopDate?: number }[];
        nextToken?: string;
      };
      for (const e of page.executions) {
        const startDate = Math.round(e.startDate * 1000);
        if (after) {
          if (e.executionArn === after.executionArn) {
            passedCursor = true;
            continue;
          }
          if (startDate > after.startDate) continue;
          if (startDate === after.startDate && (rank < cursorRank || (rank === cursorRank && !passedCursor))) continue;
        }
        if (name !== undefined && !e.name.includes(name)) continue;
        found.push({
          executionArn: e.executionArn,
          job: j.name,
          name: e.name,
          status: e.status,
          startDate,
          stopDate: e.stopDate === undefined ? null : Math.round(e.stopDate * 1000),
          rank,
        });
      }
      nextToken = page.nextToken;
    } while (nextToken);
  }
  // Stable: keeps ListExecutions' order within a job and a millisecond.
  found.sort((a, b) => b.startDate - a.startDate || a.rank - b.rank);
  const page = found.slice(0, PAGE_SIZE).map(({ rank: _rank, ...summary }) => summary);
  const last = page[page.length - 1];
  return {
    executions: page,
    ...(found.length > PAGE_SIZE && last ? { next: `${last.startDate}:${last.executionArn}` } : {}),
  };
}

interface Cursor {
  readonly startDate: number;
  readonly executionArn: string;
}

function parseCursor(text: string): Cursor {
  const colon = text.indexOf(':');
  const startDate = Number(text.slice(0, colon));
  if (colon < 0 || !Number.isFinite(startDate)) throw new BadRequest('after must be a cursor returned as next');
  return { startDate, executionArn: text.slice(colon + 1) };
}

// arn:<partition>:states:<region>:<account>:execution:<machine>:<name> → the state machine's ARN.
function machineOfExecution(executionArn: string): string {
  return executionArn.split(':').slice(0, 7).join(':').replace(':execution:', ':stateMachine:');
}
