/**
 * `npx tsx scripts/limits/extract-api-limits.ts <botocore data dir> [--source <text>]`
 *
 * Regenerates `stacks/validation/aws-api-limits.json` from the AWS API models that botocore ships
 * (`botocore/data/<service>/<version>/service-2.json`, the same models every AWS SDK is generated
 * from): for each request member the stack writes, its `min`, `max`, `pattern` and `enum`. No npm
 * package ships these constraints (`aws-sdk` v2's `apis/*.min.json` and the v3 clients strip them),
 * so the few members the stack uses are extracted once and committed; run this to refresh them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MemberLimits } from '../../stacks/validation/limit-rules';

/** Members to extract: `<service>/<api version>` → `Operation.Member[.Nested...]` (`[]` steps into a list). */
export const MEMBERS: Readonly<Record<string, readonly string[]>> = {
  'lambda/2015-03-31': [
    'CreateFunction.FunctionName',
    'CreateFunction.Role',
    'CreateFunction.Runtime',
    'CreateFunction.Handler',
    'CreateFunction.Description',
    'CreateFunction.Timeout',
    'CreateFunction.MemorySize',
    'CreateFunction.Architectures[]',
    'CreateFunction.TracingConfig.Mode',
    'CreateFunction.LoggingConfig.LogFormat',
    'CreateFunction.LoggingConfig.LogGroup',
    'CreateFunction.LoggingConfig.ApplicationLogLevel',
    'CreateFunction.LoggingConfig.SystemLogLevel',
    'CreateFunction.EphemeralStorage.Size',
    'PutFunctionConcurrency.ReservedConcurrentExecutions',
    'AddPermission.StatementId',
    'AddPermission.Action',
    'AddPermission.Principal',
    'AddPermission.SourceArn',
    'AddPermission.SourceAccount',
  ],
  'iam/2010-05-08': [
    'CreateRole.RoleName',
    'CreateRole.Path',
    'CreateRole.AssumeRolePolicyDocument',
    'CreateRole.Description',
    'CreateRole.MaxSessionDuration',
    'CreateRole.PermissionsBoundary',
    'PutRolePolicy.PolicyName',
    'PutRolePolicy.PolicyDocument',
    'CreatePolicy.PolicyName',
    'CreatePolicy.Path',
    'CreatePolicy.PolicyDocument',
    'CreatePolicy.Description',
    'CreateOpenIDConnectProvider.Url',
    'CreateOpenIDConnectProvider.ClientIDList[]',
    'CreateOpenIDConnectProvider.ThumbprintList[]',
  ],
  'stepfunctions/2016-11-23': [
    'CreateStateMachine.name',
    'CreateStateMachine.definition',
    'CreateStateMachine.roleArn',
    'CreateStateMachine.type',
    'CreateStateMachine.loggingConfiguration.level',
  ],
  'logs/2014-03-28': ['CreateLogGroup.logGroupName', 'CreateLogGroup.kmsKeyId', 'CreateLogGroup.logGroupClass'],
  'apigatewayv2/2018-11-29': [
    'CreateApi.Name',
    'CreateApi.ProtocolType',
    'CreateApi.Description',
    'CreateIntegration.IntegrationType',
    'CreateIntegration.IntegrationSubtype',
    'CreateIntegration.IntegrationMethod',
    'CreateIntegration.PayloadFormatVersion',
    'CreateIntegration.TimeoutInMillis',
    'CreateIntegration.Description',
    'CreateIntegration.ConnectionType',
    'CreateRoute.AuthorizationType',
    'CreateRoute.Target',
    'CreateStage.StageName',
    'CreateStage.Description',
    'CreateAuthorizer.Name',
    'CreateAuthorizer.AuthorizerType',
  ],
};

interface Shape {
  type: string;
  members?: Record<string, { shape: string }>;
  member?: { shape: string };
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
}
interface Model {
  operations: Record<string, { input: { shape: string } }>;
  shapes: Record<string, Shape>;
}

/** Follows `Operation.Member.Nested` (and `[]` into a list's member) through a model. */
export function limitsOf(model: Model, path: string): MemberLimits {
  const [operation, ...steps] = path.split('.');
  const op = model.operations[operation!];
  if (!op) throw new Error(`no operation ${operation}`);
  let shape = model.shapes[op.input.shape]!;
  for (const step of steps) {
    const list = step.endsWith('[]');
    const name = list ? step.slice(0, -2) : step;
    const member = shape.members?.[name];
    if (!member) throw new Error(`${path}: no member ${name}`);
    shape = model.shapes[member.shape]!;
    if (list) {
      // The list's own min/max count items; the element's constraints are what we check.
      shape = model.shapes[shape.member!.shape]!;
    }
  }
  const { type, min, max, pattern } = shape;
  return {
    type,
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
    ...(pattern !== undefined ? { pattern } : {}),
    ...(shape.enum ? { enum: [...shape.enum].sort() } : {}),
  };
}

function main(argv: readonly string[]): void {
  const [dataDir, flag, source] = argv;
  if (!dataDir || (flag !== undefined && flag !== '--source')) {
    console.error(
      'usage: tsx scripts/limits/extract-api-limits.ts <botocore/data dir> [--source "<what and which version>"]',
    );
    process.exitCode = 2;
    return;
  }
  const services: Record<string, Record<string, MemberLimits>> = {};
  for (const [service, paths] of Object.entries(MEMBERS)) {
    const model = JSON.parse(readFileSync(join(dataDir, service, 'service-2.json'), 'utf8')) as Model;
    const name = service.split('/')[0]!;
    services[name] = Object.fromEntries(paths.map((p) => [p, limitsOf(model, p)]));
  }
  const out = join(__dirname, '..', '..', 'stacks', 'validation', 'aws-api-limits.json');
  writeFileSync(out, `${JSON.stringify({ source: source ?? `botocore data at ${dataDir}`, services }, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

if (require.main === module) main(process.argv.slice(2));
