/**
 * The dashboard's schedules and per-job counts: each job's schedules with their next run and a
 * "run now", and how many executions the runtime's own store holds per job and status.
 */
import type { IncomingMessage } from 'node:http';
import { servedJobs } from '../banner';
import type { FireOutcome, ScheduleListing } from '../scheduler/scheduler';
import type { StepFunctionsService } from '../stepfunctions/service';
import type { StackModel } from '../terraform/model';

/** What the dashboard may do with the runtime's schedules. */
export interface ScheduleControl {
  list(): ScheduleListing[];
  runNow(name: string): Promise<FireOutcome>;
}

/** Per job: executions started, succeeded and failed (FAILED, as CloudWatch's ExecutionsFailed), and running. */
export interface JobCounts {
  readonly started: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly running: number;
}

interface Sources {
  readonly sfn: () => StepFunctionsService;
  readonly model: () => StackModel;
  readonly scheduler?: () => ScheduleControl;
}

const DEVELOPER = { kind: 'developer' } as const;

/**
 * Serves `api/schedules`, `api/schedules/run` and `api/counts`; undefined for any other path.
 * @param readBody reads the request's JSON object (the dashboard's own limits and errors).
 */
export async function serveOperations(
  sources: Sources,
  req: IncomingMessage,
  rest: string,
  readBody: (req: IncomingMessage) => Promise<Record<string, unknown>>,
): Promise<{ status: number; body: unknown } | undefined> {
  if (req.method === 'GET' && rest === 'api/schedules') return { status: 200, body: { schedules: schedules(sources) } };
  if (req.method === 'GET' && rest === 'api/counts') return { status: 200, body: { counts: await counts(sources) } };
  if (req.method === 'POST' && rest === 'api/schedules/run') {
    const name = (await readBody(req))['name'];
    const known = sources
      .scheduler?.()
      .list()
      .some((s) => s.name === name);
    if (typeof name !== 'string' || !known)
      return { status: 400, body: { message: `no schedule ${JSON.stringify(name)} in the served stack` } };
    const outcome = await sources.scheduler!().runNow(name);
    return { status: outcome.kind === 'failed' ? 502 : 200, body: outcome };
  }
  return undefined;
}

function schedules(sources: Sources) {
  const jobs = servedJobs(sources.model());
  return (sources.scheduler?.().list() ?? []).map((s) => ({
    name: s.name,
    job: jobs.find((j) => j.stateMachineArn === s.stateMachineArn)?.name ?? null,
    expression: s.expression,
    timeZone: s.timeZone,
    enabled: s.enabled,
    nextRun: s.nextRun?.getTime() ?? null,
  }));
}

async function counts(sources: Sources): Promise<Record<string, JobCounts>> {
  const result: Record<string, JobCounts> = {};
  for (const job of servedJobs(sources.model())) {
    const tally = { started: 0, succeeded: 0, failed: 0, running: 0 };
    let nextToken: unknown;
    do {
      const page = (await sources.sfn().call('ListExecutions', DEVELOPER, {
        stateMachineArn: job.stateMachineArn,
        maxResults: 1000,
        ...(nextToken ? { nextToken } : {}),
      })) as { executions: { status: string }[]; nextToken?: string };
      for (const e of page.executions) {
        tally.started++;
        if (e.status === 'SUCCEEDED') tally.succeeded++;
        else if (e.status === 'FAILED') tally.failed++;
        else if (e.status === 'RUNNING') tally.running++;
      }
      nextToken = page.nextToken;
    } while (nextToken);
    result[job.name] = tally;
  }
  return result;
}
