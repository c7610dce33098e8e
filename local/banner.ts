/**
 * The start-up banner: endpoint, routes and their auth mode, local credentials when a route needs
 * them, and a request to copy and paste.
 */
import { localToken } from './apigw/jwt';
import type { Runtime } from './runtime';

/** The banner's lines. */
export function banner(runtime: Runtime, dataDir: string): string[] {
  const { model, url } = runtime;
  const routes = [...model.api.routes].sort((a, b) => a.routeKey.localeCompare(b.routeKey));
  const modes = new Set(routes.map((r) => r.authorizationType));
  const lines = [
    '',
    `Local runtime listening on ${url}`,
    `  stack: ${model.api.name} (region ${model.region}, account ${model.accountId}), data in ${dataDir}`,
    `  state machine: ${model.stateMachine.arn}`,
    '',
    'Routes:',
    ...routes.map((r) => `  ${r.routeKey.padEnd(28)} auth ${r.authorizationType}`),
    '',
    `Step Functions API: ${url} (AWS JSON 1.0, SigV4 service "states"), e.g. AWS_ENDPOINT_URL_SFN=${url}`,
  ];
  const start = routes.find((r) => r.integration?.subtype === 'StepFunctions-StartExecution');
  const path = start?.path ?? '/start-execution';
  const body = `'{"input": {"seconds": 3}, "name": "ramen-1"}'`;
  const { accessKeyId, secretAccessKey } = runtime.credentials;
  lines.push(
    '',
    `Local credentials (the Step Functions API${modes.has('AWS_IAM') ? ' and the AWS_IAM routes' : ''} accept them; they act as an administrator):`,
    `  export AWS_ACCESS_KEY_ID=${accessKeyId}`,
    `  export AWS_SECRET_ACCESS_KEY=${secretAccessKey}`,
    `  export AWS_REGION=${model.region}`,
  );
  if (modes.has('AWS_IAM')) {
    lines.push(
      '',
      'Try it (curl 7.75+ signs with --aws-sigv4):',
      `  curl -s --aws-sigv4 "aws:amz:${model.region}:execute-api" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \\`,
      `    -H 'content-type: application/json' -d ${body} ${url}${path}`,
    );
  } else if (modes.has('JWT')) {
    const authorizer = routes.find((r) => r.authorizer)?.authorizer;
    const token = localToken({
      iss: authorizer?.issuer,
      aud: authorizer?.audience[0],
      sub: 'local-developer',
      exp: Math.floor(Date.now() / 1000) + 3600,
    });
    lines.push(
      '',
      'JWT routes: issuer, audience and expiry are checked; signatures are not (no network). A token valid for 1 hour:',
      `  export TOKEN=${token}`,
      '',
      'Try it:',
      `  curl -s -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d ${body} ${url}${path}`,
    );
  } else {
    lines.push('', 'Try it:', `  curl -s -H 'content-type: application/json' -d ${body} ${url}${path}`);
  }
  // The client polls until the job ends; it needs the endpoint, and the auth mode when it is not SigV4.
  const clientAuth = modes.has('AWS_IAM') ? '' : modes.has('JWT') ? ' --auth jwt --token "$TOKEN"' : ' --auth none';
  lines.push(
    `  npx async-api run --endpoint ${url}${clientAuth} --input '{"seconds": 3}'`,
    `  aws stepfunctions list-executions --endpoint-url ${url} --state-machine-arn ${model.stateMachine.arn}`,
  );
  if (model.notEmulated.length > 0) lines.push('', `Not emulated (ignored): ${model.notEmulated.join(', ')}`);
  for (const warning of model.warnings) lines.push(`Warning: ${warning}`);
  for (const warning of runtimeMismatches(model.functions, process.versions.node)) lines.push(`Note: ${warning}`);
  if (runtime.abortedAtStart.length > 0) {
    lines.push('', `${runtime.abortedAtStart.length} execution(s) were running when the runtime last stopped; they are now ABORTED.`);
  }
  lines.push('', 'Ctrl-C stops the runtime.', '');
  return lines;
}

/**
 * Functions run on this Node.js, not on the Lambda runtime they declare; say so when the majors
 * differ, so a difference in behaviour is not a surprise.
 */
export function runtimeMismatches(functions: readonly { functionName: string; runtime: string }[], nodeVersion: string): string[] {
  const local = Number(nodeVersion.split('.')[0]);
  return functions
    .filter((f) => /^nodejs\d+\.x$/.test(f.runtime) && Number(/\d+/.exec(f.runtime)![0]) !== local)
    .map((f) => `${f.functionName} declares ${f.runtime} and runs here on Node.js ${nodeVersion}`);
}
