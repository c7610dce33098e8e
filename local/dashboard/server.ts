/**
 * The local dashboard's server side, served by the runtime under {@link DASHBOARD_PATH} on its own
 * port: the page, its bundled script, a small JSON API over the runtime's Step Functions service
 * (called in-process as the local developer), and a Server-Sent Events stream of execution status
 * changes. Requests whose `Host` or `Origin` is not the runtime's own are refused, so a web page open
 * in the user's browser cannot read or drive it (DNS rebinding, cross-site requests).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EXECUTION_STATUSES } from '../../lambda-src/shared/step-functions-arn';
import { servedJobs } from '../banner';
import { SfnError } from '../stepfunctions/errors';
import type { ExecutionStatusChange } from '../stepfunctions/events';
import type { StepFunctionsService } from '../stepfunctions/service';
import type { StackModel } from '../terraform/model';
import { bundleDashboard, type DashboardAssets } from './bundle';
import { BadRequest, executionsPage, PAGE_SIZE } from './executions';
import { type ScheduleControl, serveOperations } from './operations';
import { requestGuard } from './request-guard';
import type { ExecutionSummary } from './wire';

/** Where the dashboard lives on the runtime's port (an HTTP API route under it is not reachable locally). */
export const DASHBOARD_PATH = '/_dashboard/';

/** Executions per page of the list (local/dashboard/executions.ts). */
export { PAGE_SIZE };

/** Largest JSON body the dashboard's API accepts (the Step Functions input quota is 256 KiB). */
const MAX_BODY_BYTES = 512 * 1024;

const DEVELOPER = { kind: 'developer' } as const;
const STATUSES = EXECUTION_STATUSES;

/** What the dashboard reads from the runtime; getters, because a reload replaces the stack. */
export interface DashboardOptions {
  /** The runtime's port: the only `Host`/`Origin` accepted are 127.0.0.1 and localhost on it. */
  readonly port: number;
  readonly sfn: () => StepFunctionsService;
  readonly model: () => StackModel;
  /** The runtime's schedules (the schedules section and its "run now"). Default: none. */
  readonly scheduler?: () => ScheduleControl;
}

/** A dashboard attached to a runtime. */
export interface Dashboard {
  /** Serves a request whose path starts with {@link DASHBOARD_PATH} (or is that path without its slash). */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Subscribes to status changes (the runtime's, which outlive a reload; or one service's). */
  attach(sfn: Pick<StepFunctionsService, 'onStatusChange'>): void;
  /** Ends the event streams and unsubscribes. */
  close(): void;
}

/** Creates the dashboard of a runtime. */
export function createDashboard(options: DashboardOptions): Dashboard {
  const streams = new Set<ServerResponse>();
  const unsubscribe: (() => void)[] = [];
  let assets: Promise<DashboardAssets> | undefined;
  const guard = requestGuard(options.port);

  const broadcast = (change: ExecutionStatusChange): void => {
    if (streams.size === 0) return; // no page open: nothing to render (every execution passes here)
    const frame = `data: ${JSON.stringify(summaryOfChange(change, options.model()))}\n\n`;
    for (const res of streams) res.write(frame);
  };

  const api = new DashboardApi(options);

  return {
    attach(sfn) {
      unsubscribe.push(sfn.onStatusChange(broadcast));
    },
    close() {
      for (const off of unsubscribe.splice(0)) off();
      for (const res of streams) res.end();
      streams.clear();
    },
    handle(req, res) {
      const refusal = guard.refusal(req);
      if (refusal) {
        sendJson(res, 403, { message: refusal });
        return;
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = url.pathname;
      if (path === DASHBOARD_PATH.slice(0, -1)) {
        res.writeHead(308, { location: DASHBOARD_PATH }).end();
        return;
      }
      const rest = path.slice(DASHBOARD_PATH.length);
      if (req.method === 'GET' && (rest === '' || rest === 'app.js')) {
        assets ??= bundleDashboard();
        assets.then(
          (a) => {
            const body = rest === '' ? a.html : a.script;
            res.writeHead(200, {
              'content-type': rest === '' ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8',
              'cache-control': 'no-store',
              // The page runs only its own script and talks only to its own origin.
              'content-security-policy':
                "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
              'x-content-type-options': 'nosniff',
            });
            res.end(body);
          },
          (err: unknown) =>
            sendJson(res, 500, {
              message: `the dashboard could not be bundled: ${err instanceof Error ? err.message : String(err)}`,
            }),
        );
        return;
      }
      if (req.method === 'GET' && rest === 'api/events') {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        res.write(': connected\n\n');
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      }
      void api.serve(req, rest, url.searchParams).then(
        ({ status, body }) => sendJson(res, status, body),
        () => sendJson(res, 500, { message: 'Internal error' }),
      );
    },
  };
}

interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** The JSON API behind the page; exported for tests of its filters and errors. */
export class DashboardApi {
  constructor(private readonly options: Pick<DashboardOptions, 'sfn' | 'model' | 'scheduler'>) {}

  /** Serves `rest` (the path after {@link DASHBOARD_PATH}); SfnErrors become 400s with their code. */
  async serve(req: IncomingMessage, rest: string, query: URLSearchParams): Promise<ApiAnswer> {
    try {
      const operations = await serveOperations(this.options, req, rest, readJson);
      if (operations) return operations;
      if (req.method === 'GET' && rest === 'api/jobs') return { status: 200, body: this.jobs() };
      if (req.method === 'GET' && rest === 'api/executions') return { status: 200, body: await this.executions(query) };
      if (req.method === 'GET' && rest === 'api/execution')
        return { status: 200, body: await this.execution(query.get('arn') ?? '') };
      if (req.method === 'POST' && (rest === 'api/start' || rest === 'api/stop' || rest === 'api/redrive')) {
        const body = await readJson(req);
        if (rest === 'api/start') return { status: 200, body: await this.start(body) };
        if (rest === 'api/stop')
          return {
            status: 200,
            body: await this.options.sfn().call('StopExecution', DEVELOPER, { executionArn: body['executionArn'] }),
          };
        return {
          status: 200,
          body: await this.options.sfn().call('RedriveExecution', DEVELOPER, { executionArn: body['executionArn'] }),
        };
      }
      return { status: 404, body: { message: `No dashboard resource ${req.method ?? ''} ${rest}` } };
    } catch (err) {
      if (err instanceof SfnError) return { status: err.status, body: { error: err.code, message: err.message } };
      if (err instanceof BadRequest) return { status: 400, body: { message: err.message } };
      throw err;
    }
  }

  /** The served jobs with their definitions and example inputs. */
  jobs(): unknown {
    const model = this.options.model();
    return {
      statuses: STATUSES,
      jobs: servedJobs(model).map((job) => ({
        name: job.name,
        description: job.description,
        isDefault: job.isDefault,
        stateMachineArn: job.stateMachineArn,
        definition: JSON.parse(
          model.stateMachines.find((m) => m.arn === job.stateMachineArn)?.definitionText ?? '{}',
        ) as unknown,
        exampleInput: job.exampleInput,
      })),
    };
  }

  /** One page of executions, newest first; see {@link executionsPage}. */
  executions(query: URLSearchParams): Promise<{ executions: ExecutionSummary[]; next?: string }> {
    return executionsPage(this.options.sfn(), this.options.model(), query);
  }

  /** An execution with its job, definition and full history (dates in epoch milliseconds). */
  async execution(arn: string): Promise<unknown> {
    const sfn = this.options.sfn();
    const described = (await sfn.call('DescribeExecution', DEVELOPER, { executionArn: arn })) as Record<
      string,
      unknown
    >;
    const machine = (await sfn.call('DescribeStateMachineForExecution', DEVELOPER, { executionArn: arn })) as {
      definition: string;
      stateMachineArn: string;
    };
    const events: Record<string, unknown>[] = [];
    let nextToken: unknown;
    do {
      const page = (await sfn.call('GetExecutionHistory', DEVELOPER, {
        executionArn: arn,
        maxResults: 1000,
        ...(nextToken ? { nextToken } : {}),
      })) as {
        events: Record<string, unknown>[];
        nextToken?: string;
      };
      for (const e of page.events) events.push({ ...e, timestamp: Math.round((e['timestamp'] as number) * 1000) });
      nextToken = page.nextToken;
    } while (nextToken);
    const job =
      servedJobs(this.options.model()).find((j) => j.stateMachineArn === machine.stateMachineArn)?.name ?? null;
    const ms = (v: unknown): number | null => (typeof v === 'number' ? Math.round(v * 1000) : null);
    return {
      execution: { ...described, startDate: ms(described['startDate']), stopDate: ms(described['stopDate']) },
      job,
      definition: JSON.parse(machine.definition) as unknown,
      events,
    };
  }

  private async start(body: Record<string, unknown>): Promise<unknown> {
    const job = servedJobs(this.options.model()).find((j) => j.name === body['job']);
    if (!job) throw new BadRequest(`no job ${JSON.stringify(body['job'])} in the served stack`);
    if (typeof body['input'] !== 'string') throw new BadRequest('input must be a JSON text');
    const name = typeof body['name'] === 'string' && body['name'] !== '' ? body['name'] : undefined;
    return this.options.sfn().call('StartExecution', DEVELOPER, {
      stateMachineArn: job.stateMachineArn,
      input: body['input'],
      ...(name ? { name } : {}),
    });
  }
}

function summaryOfChange(change: ExecutionStatusChange, model: StackModel): ExecutionSummary {
  const job = servedJobs(model).find((j) => j.stateMachineArn === change.stateMachineArn)?.name ?? '';
  return {
    executionArn: change.executionArn,
    job,
    name: change.name,
    status: change.status,
    startDate: change.startDate,
    stopDate: change.stopDate,
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BadRequest(`the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BadRequest('the body is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new BadRequest('the body must be a JSON object');
  return parsed as Record<string, unknown>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(text.length),
    'cache-control': 'no-store',
  });
  res.end(text);
}
