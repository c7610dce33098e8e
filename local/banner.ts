/**
 * The start-up banner: endpoint, routes and their auth mode, local credentials when a route needs
 * them, and a request to copy and paste.
 */
import { localToken } from './apigw/jwt';
import type { Runtime } from './runtime';
import { scheduleLines } from './scheduler/listing';
import type { StackModel } from './terraform/model';

/** A job as the served stack shows it: its start route and state machine. */
export interface ServedJob {
  readonly name: string;
  /** e.g. `/ramen-timer/start-execution`. */
  readonly path: string;
  readonly stateMachineArn: string;
  /** Whether `POST /start-execution` starts this job too. */
  readonly isDefault: boolean;
  /** The registry's description, from the stack's `jobs` output (empty when it has none). */
  readonly description: string;
  /** The registry's example input, from the stack's `jobs` output (`{}` when it has none). */
  readonly exampleInput: unknown;
}

const JOB_ROUTE = /^\/([a-z0-9-]+)\/start-execution$/;

/**
 * Resource types the runtime does not read but whose job `local/events` does its own way, so the
 * banner does not call them ignored.
 */
const STOOD_IN_FOR: Readonly<Record<string, string>> = {
  aws_cloudwatch_event_rule: 'status changes reach the webhook sender directly',
  aws_cloudwatch_event_target: 'the same',
  aws_secretsmanager_secret: 'the signing secret file above',
  aws_secretsmanager_secret_version: 'the same',
  aws_dynamodb_table: 'webhook registrations are files under the data folder',
  aws_scheduler_schedule: "fired on the runtime's clock (Schedules above)",
  aws_scheduler_schedule_group: 'the same',
  aws_cloudwatch_metric_alarm: 'execution alarms printed in the log when met',
  aws_cloudwatch_dashboard: 'per-job counts on the dashboard',
};

/**
 * What the banner says of the resource types the runtime does not read: those `local/events` stands
 * in for, with how, and the rest as ignored. Empty when there are none; else starts with a blank line.
 */
export function unreadResourceLines(notEmulated: readonly string[]): string[] {
  if (notEmulated.length === 0) return [];
  const standIns = notEmulated.filter((type) => type in STOOD_IN_FOR);
  const ignored = notEmulated.filter((type) => !(type in STOOD_IN_FOR));
  return [
    '',
    ...(standIns.length > 0
      ? [`Stood in for locally: ${standIns.map((type) => `${type} (${STOOD_IN_FOR[type]})`).join(', ')}`]
      : []),
    ...(ignored.length > 0 ? [`Not emulated (ignored): ${ignored.join(', ')}`] : []),
  ];
}

/**
 * The jobs of a served stack, read from its routes (`POST /<job>/start-execution` with a
 * StartExecution integration), so any stack is described, whatever registry it was built from.
 */
export function servedJobs(model: StackModel): ServedJob[] {
  const machineOf = (route: StackModel['api']['routes'][number]) =>
    route.integration?.subtype === 'StepFunctions-StartExecution'
      ? route.integration.requestParameters['StateMachineArn']
      : undefined;
  const defaultArn = model.api.routes.filter((r) => r.path === '/start-execution').map(machineOf)[0];
  return model.api.routes.flatMap((route) => {
    const name = route.path === undefined ? undefined : JOB_ROUTE.exec(route.path)?.[1];
    const arn = machineOf(route);
    if (!name || !arn) return [];
    return [
      { name, path: route.path!, stateMachineArn: arn, isDefault: arn === defaultArn, ...jobOutput(model, name) },
    ];
  });
}

// What the `jobs` output says of a job beyond its route (stacks/async-api-stack.ts): read from the
// served stack, not the registry this process imported, so a job added in watch mode shows its own.
function jobOutput(model: StackModel, name: string): Pick<ServedJob, 'description' | 'exampleInput'> {
  const output = (
    model.outputs['jobs'] as Record<string, { description?: unknown; example_input?: unknown }> | undefined
  )?.[name];
  let exampleInput: unknown = {};
  if (typeof output?.example_input === 'string') {
    try {
      exampleInput = JSON.parse(output.example_input);
    } catch {
      // A stack from elsewhere may say anything; `{}` is what a job without an example gets.
    }
  }
  return { description: typeof output?.description === 'string' ? output.description : '', exampleInput };
}

/** The banner's lines. */
export function banner(runtime: Runtime, dataDir: string): string[] {
  const { model, url } = runtime;
  const routes = [...model.api.routes].sort((a, b) => a.routeKey.localeCompare(b.routeKey));
  const modes = new Set(routes.map((r) => r.authorizationType));
  const jobs = servedJobs(model);
  const width = Math.max(28, ...routes.map((r) => r.routeKey.length + 2));
  const lines = [
    '',
    `Local runtime listening on ${url}`,
    `  dashboard: ${runtime.dashboardUrl} (jobs, executions, start/stop; this machine only)`,
    `  stack: ${runtime.stackId} (API ${model.api.name}, region ${model.region}, account ${model.accountId}), data in ${dataDir}`,
    '',
    'Jobs:',
    ...jobs.map(
      (j) =>
        `  ${j.name}${j.isDefault ? ' (default: also POST /start-execution)' : ''}: state machine ${j.stateMachineArn}`,
    ),
    ...scheduleLines(runtime.scheduler.list()),
    '',
    'Routes:',
    ...routes.map((r) => `  ${r.routeKey.padEnd(width)} auth ${r.authorizationType}`),
    '',
    `Step Functions API: ${url} (AWS JSON 1.0, SigV4 service "states"), e.g. AWS_ENDPOINT_URL_SFN=${url}`,
    `Webhooks: signed with the secret in ${runtime.webhooks.signingSecretPath}; dead letters in ${runtime.webhooks.deadLetterDir}`,
    `  receive them: npx async-api listen --port 8080 --secret-file ${runtime.webhooks.signingSecretPath}`,
  ];
  const { accessKeyId, secretAccessKey } = runtime.credentials;
  lines.push(
    '',
    `Local credentials (the Step Functions API${modes.has('AWS_IAM') ? ' and the AWS_IAM routes' : ''} accept them; they act as an administrator):`,
    `  export AWS_ACCESS_KEY_ID=${accessKeyId}`,
    `  export AWS_SECRET_ACCESS_KEY=${secretAccessKey}`,
    // AWS CLI v1 reads only AWS_DEFAULT_REGION; v2 and the SDKs read AWS_REGION first.
    `  export AWS_REGION=${model.region} AWS_DEFAULT_REGION=${model.region}`,
  );
  lines.push(...curlLines(model, url, jobs, modes));
  // The client polls until the job ends; it needs the endpoint, and the auth mode when it is not SigV4.
  const clientAuth = modes.has('AWS_IAM') ? '' : modes.has('JWT') ? ' --auth jwt --token "$TOKEN"' : ' --auth none';
  for (const job of jobs) {
    lines.push(
      `  npx async-api run --endpoint ${url}${clientAuth} --job ${job.name} --input '${JSON.stringify(job.exampleInput)}'`,
    );
  }
  for (const job of jobs)
    lines.push(`  aws stepfunctions list-executions --endpoint-url ${url} --state-machine-arn ${job.stateMachineArn}`);
  lines.push(...unreadResourceLines(model.notEmulated));
  for (const warning of model.warnings) lines.push(`Warning: ${warning}`);
  for (const warning of runtimeMismatches(model.functions, process.versions.node)) lines.push(`Note: ${warning}`);
  if (runtime.abortedAtStart.length > 0) {
    lines.push(
      '',
      `${runtime.abortedAtStart.length} execution(s) were running when the runtime last stopped; they are now ABORTED.`,
    );
  }
  lines.push('', 'Ctrl-C stops the runtime.', '');
  return lines;
}

/** The banner's `curl` lines, one request per job, signed or authorised as the routes want. */
function curlLines(model: StackModel, url: string, jobs: readonly ServedJob[], modes: ReadonlySet<string>): string[] {
  // No execution name: a fixed one would answer ExecutionAlreadyExists on every later start.
  const body = (job: ServedJob) => `'${JSON.stringify({ input: job.exampleInput })}'`;
  const out: string[] = [];
  if (modes.has('AWS_IAM')) {
    out.push('', 'Try it, one job at a time (curl 7.75+ signs with --aws-sigv4):');
    for (const job of jobs) {
      out.push(
        `  curl -s --aws-sigv4 "aws:amz:${model.region}:execute-api" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \\`,
        `    -H 'content-type: application/json' -d ${body(job)} ${url}${job.path}`,
      );
    }
  } else if (modes.has('JWT')) {
    const authorizer = model.api.routes.find((r) => r.authorizer)?.authorizer;
    const token = localToken({
      iss: authorizer?.issuer,
      aud: authorizer?.audience[0],
      sub: 'local-developer',
      exp: Math.floor(Date.now() / 1000) + 3600,
    });
    out.push(
      '',
      'JWT routes: issuer, audience and expiry are checked; signatures are not (no network). A token valid for 1 hour:',
      `  export TOKEN=${token}`,
      '',
      'Try it, one job at a time:',
      ...jobs.map(
        (job) =>
          `  curl -s -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d ${body(job)} ${url}${job.path}`,
      ),
    );
  } else {
    out.push(
      '',
      'Try it, one job at a time:',
      ...jobs.map((job) => `  curl -s -H 'content-type: application/json' -d ${body(job)} ${url}${job.path}`),
    );
  }
  return out;
}

/**
 * Functions run on this Node.js, not on the Lambda runtime they declare; say so when the majors
 * differ, so a difference in behaviour is not a surprise: one line per declared runtime, however many
 * functions declare it.
 */
export function runtimeMismatches(
  functions: readonly { functionName: string; runtime: string }[],
  nodeVersion: string,
): string[] {
  const local = Number(nodeVersion.split('.')[0]);
  const byRuntime = new Map<string, string[]>();
  for (const f of functions) {
    if (!/^nodejs\d+\.x$/.test(f.runtime) || Number(/\d+/.exec(f.runtime)![0]) === local) continue;
    byRuntime.set(f.runtime, [...(byRuntime.get(f.runtime) ?? []), f.functionName]);
  }
  return [...byRuntime].map(([runtime, names]) => {
    if (names.length === 1) return `${names[0]} declares ${runtime} and runs here on Node.js ${nodeVersion}`;
    const shown = names.length <= 3 ? names.join(', ') : `${names.slice(0, 2).join(', ')} and ${names.length - 2} more`;
    return `${names.length} functions declare ${runtime} and run here on Node.js ${nodeVersion} (${shown})`;
  });
}
