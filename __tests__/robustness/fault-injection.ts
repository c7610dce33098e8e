/**
 * Fault injection for tests that run the real synthesized stack: the zip of the worker or of the
 * status function is replaced by the same zip plus a `fault.js` entry that misbehaves on request and
 * otherwise calls the real handler. Production handlers carry no test hooks; only the test's copy of
 * the Terraform document points `handler` at `fault.handler` (and may shorten timeouts, shrink memory
 * or reserve concurrency, as a Terraform override would).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import type { TerraformJson } from '../../local/terraform/document';
import { loadSynthesizedStack } from '../../local/terraform/stack';
import { defaultJob } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';

/**
 * The worker's wrapper reads `fault` from the execution input (the worker's event):
 * - `throw`: throws an error named `WorkerBroke`;
 * - `hang`: never answers (the function's timeout ends it);
 * - `exit`: `process.exit(3)`; `kill`: SIGKILL to its own process;
 * - `oom`: allocates on V8's heap until the process passes the function's memory size;
 * - `hold`: logs `holding <ms>`, waits `ms`, then runs the real function with `input` (so the rest of
 *   a multi-step job gets what it expects), or answers `{held: ms}` when there is no `input`;
 * anything else runs the real function (the default job's first).
 */
export const WORKER_FAULTS = `
const real = require('./index.js');
exports.handler = async (event, context) => {
  const fault = event !== null && typeof event === 'object' ? event.fault : undefined;
  switch (fault) {
    case 'throw': {
      const err = new Error('the worker broke on purpose');
      err.name = 'WorkerBroke';
      throw err;
    }
    case 'hang':
      return new Promise(() => undefined);
    case 'exit':
      process.exit(3);
    case 'kill':
      process.kill(process.pid, 'SIGKILL');
      return new Promise(() => undefined);
    case 'oom': {
      const hog = [];
      for (;;) hog.push(new Array(100000).fill(1.5));
    }
    case 'hold':
      console.log('holding ' + event.ms);
      await new Promise((resolve) => setTimeout(resolve, event.ms));
      return 'input' in event ? real.handler(event.input, context) : { held: event.ms };
    default:
      return real.handler(event, context);
  }
};
`;

/** A secret the status function's faults put into their errors; it must never reach a client. */
export const STATUS_SECRET = 'postgres://admin:hunter2@db.internal:5432/jobs';

/**
 * The status function's wrapper reads the `x-fault` request header:
 * - `throw`: throws an error whose message holds {@link STATUS_SECRET};
 * - `exit`: logs the secret and exits with status 1;
 * - `hang`: never answers; `hold-<ms>`: waits, then runs the real handler;
 * - `garbage`: returns a result API Gateway cannot map (statusCode is not a number);
 * anything else runs the real handler.
 */
export const STATUS_FAULTS = `
const real = require('./index.js');
const SECRET = ${JSON.stringify(STATUS_SECRET)};
exports.handler = async (event, context) => {
  const fault = (event.headers || {})['x-fault'] || '';
  if (fault === 'throw') throw new Error('cannot reach ' + SECRET);
  if (fault === 'exit') {
    console.error('dying with ' + SECRET);
    process.exit(1);
  }
  if (fault === 'hang') return new Promise(() => undefined);
  if (fault.startsWith('hold-')) await new Promise((resolve) => setTimeout(resolve, Number(fault.slice(5))));
  if (fault === 'garbage') return { statusCode: 'teapot', body: SECRET };
  return real.handler(event, context);
};
`;

/** Terraform arguments of `aws_lambda_function` a fault test may override. */
export interface FunctionOverrides {
  readonly timeout?: number;
  readonly memory_size?: number;
  readonly reserved_concurrent_executions?: number;
}

/** What to replace in the synthesized stack. */
export interface FaultPlan {
  /** Wrapper source for the worker (the default job's first function), with overrides. */
  readonly worker?: { readonly wrapper: string } & FunctionOverrides;
  /** Wrapper source for the status function (the Lambda proxy integration), with overrides. */
  readonly status?: { readonly wrapper: string; readonly integrationTimeoutMs?: number } & FunctionOverrides;
}

/** A stack to hand to `startRuntime({ stack })`, and the temporary folder holding its new zips. */
export interface FaultyStack {
  readonly stack: { readonly doc: TerraformJson; readonly stackDir: string };
  /** Deletes the temporary zips. */
  remove(): void;
}

type Resources = Record<string, Record<string, unknown>>;

/** Reads the stack synthesized in `outdir` and applies `plan` to a copy of it. */
export function faultyStack(outdir: string, plan: FaultPlan): FaultyStack {
  const { doc: original, stackDir } = loadSynthesizedStack(outdir);
  const doc = structuredClone(original) as TerraformJson & { resource: Record<string, Resources> };
  const zips = mkdtempSync(join(tmpdir(), 'async-api-faults-'));
  const functions = doc.resource['aws_lambda_function'] ?? {};

  const replace = (id: string, wrapper: string, overrides: FunctionOverrides): void => {
    const fn = functions[id]!;
    const filename = String(fn['filename']);
    const files = unzipSync(readFileSync(isAbsolute(filename) ? filename : resolve(stackDir, filename)));
    const zipPath = join(zips, `${id}.zip`);
    writeFileSync(zipPath, zipSync({ ...files, 'fault.js': strToU8(wrapper) }));
    Object.assign(fn, { filename: zipPath, handler: 'fault.handler' }, overrides);
  };

  if (plan.worker) {
    const { wrapper, ...overrides } = plan.worker;
    replace(workerId(doc), wrapper, overrides);
  }
  if (plan.status) {
    const { wrapper, integrationTimeoutMs, ...overrides } = plan.status;
    const { functionId, integration } = statusFunction(doc);
    replace(functionId, wrapper, overrides);
    if (integrationTimeoutMs !== undefined) integration['timeout_milliseconds'] = integrationTimeoutMs;
  }
  return { stack: { doc, stackDir }, remove: () => rmSync(zips, { recursive: true, force: true }) };
}

/**
 * {@link faultyStack} as a cdktf output folder, for tests that run the runtime as its own process
 * (`npm start` reads a folder, not a document): a copy of `outdir` whose served stack has the faults.
 */
export function faultyOutdir(outdir: string, plan: FaultPlan): { readonly outdir: string; remove(): void } {
  const copy = mkdtempSync(join(tmpdir(), 'async-api-faulty-out-'));
  cpSync(outdir, copy, { recursive: true });
  const { stackDir } = loadSynthesizedStack(outdir);
  const faulty = faultyStack(outdir, plan);
  writeFileSync(join(copy, relative(outdir, stackDir), 'cdk.tf.json'), JSON.stringify(faulty.stack.doc));
  return {
    outdir: copy,
    remove: () => {
      faulty.remove();
      rmSync(copy, { recursive: true, force: true });
    },
  };
}

/**
 * Execution inputs the worker's wrapper ({@link WORKER_FAULTS}) understands, for tests that need an
 * execution of the default job that runs a while or fails, whatever that job is. The wrapper sits on
 * the job's first function, which receives the execution input (the first state is its Task).
 */
export const WORKER_INPUT = {
  /** Runs `ms` milliseconds, then goes on with the job's example input: the execution SUCCEEDS. */
  hold: (ms: number) => ({ fault: 'hold', ms, input: defaultJob(JOBS).exampleInput }),
  /** FAILS at once with the error `WorkerBroke`. */
  fail: { fault: 'throw' },
} as const;

// The worker is the first function named by the definition of the machine POST /start-execution
// starts (the default job's): the one the execution input reaches first.
function workerId(doc: { resource: Record<string, Resources> }): string {
  const route = Object.values(doc.resource['aws_apigatewayv2_route'] ?? {}).find(
    (r) => r['route_key'] === 'POST /start-execution',
  );
  const integrationId = /\$\{aws_apigatewayv2_integration\.([^.}]+)\.id\}/.exec(String(route?.['target'] ?? ''))?.[1];
  const integration = integrationId ? doc.resource['aws_apigatewayv2_integration']?.[integrationId] : undefined;
  const machineArn = String(
    (integration?.['request_parameters'] as Record<string, unknown> | undefined)?.['StateMachineArn'] ?? '',
  );
  const machineId = /\$\{aws_sfn_state_machine\.([^.}]+)\.arn\}/.exec(machineArn)?.[1];
  const machine = machineId ? doc.resource['aws_sfn_state_machine']?.[machineId] : undefined;
  const first = /\$\{aws_lambda_function\.([^.}]+)\.arn\}/.exec(String(machine?.['definition'] ?? ''))?.[1];
  if (!first) throw new Error('expected POST /start-execution to start a state machine that names a function');
  return first;
}

// The status function is the one behind the Lambda proxy integration of POST /describe-execution.
function statusFunction(doc: { resource: Record<string, Resources> }): {
  functionId: string;
  integration: Record<string, unknown>;
} {
  const route = Object.values(doc.resource['aws_apigatewayv2_route'] ?? {}).find(
    (r) => r['route_key'] === 'POST /describe-execution',
  );
  const integrationId = /\$\{aws_apigatewayv2_integration\.([^.}]+)\.id\}/.exec(String(route?.['target'] ?? ''))?.[1];
  const integrations = Object.entries(doc.resource['aws_apigatewayv2_integration'] ?? {})
    .filter(([id]) => id === integrationId)
    .map(([, integration]) => integration);
  const found = integrations.flatMap((integration) => {
    const m = /\$\{aws_lambda_function\.([^.}]+)\.(?:invoke_arn|arn)\}/.exec(
      String(integration['integration_uri'] ?? ''),
    );
    return m ? [{ functionId: m[1]!, integration }] : [];
  });
  if (found.length !== 1)
    throw new Error(`expected one Lambda proxy integration behind POST /describe-execution, found ${found.length}`);
  return found[0]!;
}
