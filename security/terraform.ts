/**
 * Reads a cdktf output folder into the resources the security rules scan, with every Terraform
 * reference replaced by a concrete value.
 *
 * Scanners such as checkov read Terraform configuration, where an ARN is still `${aws_x.y.arn}`;
 * they then answer UNKNOWN for anything that depends on it. We know what each reference will be
 * (the names are ours, only the account and the API ids are AWS's), so references are resolved to
 * the values AWS would assign in a fixed test account. Rules and the IAM simulation then see real
 * ARNs, and "the role may invoke exactly this function" becomes a question with an answer.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The stand-ins for what AWS assigns. */
export interface ScanIdentity {
  /** Account id, e.g. 123456789012. */
  readonly accountId: string;
  /** ARN partition, e.g. `aws`. */
  readonly partition: string;
}

/** The account and partition every scan resolves references with. */
export const SCAN_IDENTITY: ScanIdentity = { accountId: '123456789012', partition: 'aws' };

/** A synthesized Terraform JSON document (only the keys we read are typed). */
export interface TerraformJson {
  readonly provider?: { readonly aws?: readonly Record<string, unknown>[] | Record<string, unknown> };
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly [key: string]: unknown;
}

/** One stack of the app as synthesized. */
export interface StackDocument {
  /** Stack id, e.g. `async-api-dev`. */
  readonly id: string;
  readonly json: TerraformJson;
}

/** One resource, its arguments resolved. */
export interface ScannedResource {
  readonly stack: string;
  readonly type: string;
  /** Logical name in the stack, e.g. `ramen-timer_function_2F52BC77`. */
  readonly name: string;
  /** `<stack>:<type>.<name>`: unique across the app; what violations point at. */
  readonly address: string;
  /** Construct path, e.g. `async-api-dev/ramen-timer/function`: stable across cdktf's hash suffixes. */
  readonly path: string;
  /** Arguments with references replaced by values (cdktf metadata removed). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Region of the stack's AWS provider. */
  readonly region: string;
}

/** Thrown for a reference the scanner cannot evaluate; the message names the resource and reference. */
export class UnresolvableReferenceError extends Error {
  override readonly name = 'UnresolvableReferenceError';
}

interface Manifest {
  readonly stacks: Record<string, { readonly synthesizedStackPath: string }>;
}

/** Reads every stack listed in `<outdir>/manifest.json`. */
export function readStacks(outdir: string): StackDocument[] {
  const manifestPath = join(outdir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} does not exist: synthesize the app first`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  return Object.entries(manifest.stacks).map(([id, entry]) => ({
    id,
    json: JSON.parse(readFileSync(join(outdir, entry.synthesizedStackPath), 'utf8')) as TerraformJson,
  }));
}

/** Every resource of every stack, resolved. Data sources are not resources to scan. */
export function scanResources(
  stacks: readonly StackDocument[],
  identity: ScanIdentity = SCAN_IDENTITY,
): ScannedResource[] {
  return stacks.flatMap((stack) => {
    const resolver = new ReferenceResolver(stack, identity);
    return Object.entries(stack.json.resource ?? {}).flatMap(([type, byName]) =>
      Object.keys(byName).map((name) => resolver.resource(type, name)),
    );
  });
}

/**
 * Resolves a template string in the context of one stack, e.g.
 * `${aws_apigatewayv2_api.http-api_FA544390.execution_arn}`, to the value the scan uses.
 * @throws UnresolvableReferenceError naming the reference.
 */
export function resolveTemplate(stack: StackDocument, text: string, identity: ScanIdentity = SCAN_IDENTITY): string {
  return new ReferenceResolver(stack, identity).template(text);
}

/** A nested block written as an object or as a one-element list (Terraform JSON allows both). */
export function block(value: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(value)) return block(value[0]);
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

/** The value at a dotted path, stepping into blocks written as lists. */
export function valueAt(config: Readonly<Record<string, unknown>>, path: string): unknown {
  let node: unknown = config;
  for (const key of path.split('.')) {
    const current = block(node);
    if (!current) return undefined;
    node = current[key];
  }
  return node;
}

type Attribute = (r: ResolverView) => string;

interface ResolverView {
  readonly arg: (name: string) => string;
  readonly region: string;
  readonly identity: ScanIdentity;
  readonly address: string;
}

/**
 * Attributes AWS computes, for the resource types our stacks reference. Any other attribute is an
 * argument of the same name (Terraform exposes every argument as an attribute).
 */
const COMPUTED: Readonly<Record<string, Readonly<Record<string, Attribute>>>> = {
  aws_iam_role: {
    arn: (r) => `arn:${r.identity.partition}:iam::${r.identity.accountId}:role/${r.arg('name')}`,
    id: (r) => r.arg('name'),
  },
  aws_iam_openid_connect_provider: {
    arn: (r) => oidcProviderArn(r),
    id: (r) => oidcProviderArn(r),
  },
  aws_lambda_function: {
    arn: (r) => functionArn(r),
    id: (r) => r.arg('function_name'),
    qualified_arn: (r) => `${functionArn(r)}:$LATEST`,
    invoke_arn: (r) =>
      `arn:${r.identity.partition}:apigateway:${r.region}:lambda:path/2015-03-31/functions/${functionArn(r)}/invocations`,
  },
  aws_sfn_state_machine: {
    arn: (r) => stateMachineArn(r),
    id: (r) => stateMachineArn(r),
  },
  aws_cloudwatch_log_group: {
    // The provider's `arn` has no ":*" suffix; policies add it themselves.
    arn: (r) => `arn:${r.identity.partition}:logs:${r.region}:${r.identity.accountId}:log-group:${r.arg('name')}`,
    id: (r) => r.arg('name'),
  },
  aws_apigatewayv2_api: {
    id: (r) => shortId(r.address, 10),
    api_endpoint: (r) => `https://${shortId(r.address, 10)}.execute-api.${r.region}.amazonaws.com`,
    execution_arn: (r) =>
      `arn:${r.identity.partition}:execute-api:${r.region}:${r.identity.accountId}:${shortId(r.address, 10)}`,
  },
  aws_apigatewayv2_integration: { id: (r) => shortId(r.address, 7) },
  aws_apigatewayv2_route: { id: (r) => shortId(r.address, 7) },
  aws_apigatewayv2_authorizer: { id: (r) => shortId(r.address, 6) },
  aws_apigatewayv2_stage: { id: (r) => r.arg('name') },
  aws_s3_bucket: {
    id: (r) => r.arg('bucket'),
    arn: (r) => `arn:${r.identity.partition}:s3:::${r.arg('bucket')}`,
  },
  'data.aws_caller_identity': {
    account_id: (r) => r.identity.accountId,
    id: (r) => r.identity.accountId,
  },
  'data.aws_partition': {
    partition: (r) => r.identity.partition,
    id: (r) => r.identity.partition,
    dns_suffix: () => 'amazonaws.com',
  },
  'data.aws_region': {
    name: (r) => r.region,
    region: (r) => r.region,
    id: (r) => r.region,
  },
};

function functionArn(r: ResolverView): string {
  return `arn:${r.identity.partition}:lambda:${r.region}:${r.identity.accountId}:function:${r.arg('function_name')}`;
}

function stateMachineArn(r: ResolverView): string {
  return `arn:${r.identity.partition}:states:${r.region}:${r.identity.accountId}:stateMachine:${r.arg('name')}`;
}

function oidcProviderArn(r: ResolverView): string {
  return `arn:${r.identity.partition}:iam::${r.identity.accountId}:oidc-provider/${r.arg('url').replace(/^https:\/\//, '')}`;
}

/** A stable lower-case id derived from a resource address (stand-in for a random AWS id). */
function shortId(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

// `type.name.attribute` or `data.type.name.attribute`; cdktf logical names contain "-".
const REFERENCE = /^((?:data\.)?[a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.([A-Za-z_][A-Za-z0-9_]*)$/;

/** Resolves the `${...}` references of one stack. */
class ReferenceResolver {
  private readonly region: string;
  private readonly resolving = new Set<string>();

  constructor(
    private readonly stack: StackDocument,
    private readonly identity: ScanIdentity,
  ) {
    const region = block(stack.json.provider?.aws)?.['region'];
    if (typeof region !== 'string')
      throw new UnresolvableReferenceError(`stack ${stack.id}: the aws provider has no region`);
    this.region = region;
  }

  resource(type: string, name: string): ScannedResource {
    const raw = this.stack.json.resource?.[type]?.[name] ?? {};
    const address = `${type}.${name}`;
    const metadata = block(block(raw['//'])?.['metadata']);
    const config: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
      // cdktf's metadata, and Terraform meta-arguments that are not AWS settings.
      if (key === '//' || key === 'depends_on' || key === 'lifecycle' || key === 'provider') continue;
      config[key] = this.resolve(value, `${address}.${key}`);
    }
    return {
      stack: this.stack.id,
      type,
      name,
      address: `${this.stack.id}:${address}`,
      path: typeof metadata?.['path'] === 'string' ? metadata['path'] : `${this.stack.id}/${name}`,
      config,
      region: this.region,
    };
  }

  template(text: string): string {
    return this.resolveString(text, 'template');
  }

  private resolve(value: unknown, where: string): unknown {
    if (typeof value === 'string') return this.resolveString(value, where);
    if (Array.isArray(value)) return value.map((item) => this.resolve(item, where));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v, `${where}.${k}`)]));
    }
    return value;
  }

  /** Replaces each `${ref}`; `$${` is Terraform's escape for a literal `${`. */
  private resolveString(text: string, where: string): string {
    let out = '';
    let i = 0;
    while (i < text.length) {
      if (text.startsWith('$${', i)) {
        out += '${';
        i += 3;
      } else if (text.startsWith('${', i)) {
        const end = text.indexOf('}', i + 2);
        if (end < 0) throw new UnresolvableReferenceError(`${where}: unterminated "\${" in ${JSON.stringify(text)}`);
        out += this.reference(text.slice(i + 2, end).trim(), where);
        i = end + 1;
      } else if (text.startsWith('%{', i)) {
        throw new UnresolvableReferenceError(
          `${where}: template directives are not supported (${JSON.stringify(text)})`,
        );
      } else {
        out += text[i];
        i++;
      }
    }
    return out;
  }

  private reference(expression: string, where: string): string {
    const match = REFERENCE.exec(expression);
    if (!match) throw new UnresolvableReferenceError(`${where}: cannot evaluate \${${expression}}`);
    const [, type, name, attribute] = match as unknown as [string, string, string, string];
    const isData = type.startsWith('data.');
    const blockType = isData ? type.slice(5) : type;
    const raw = (isData ? this.stack.json.data : this.stack.json.resource)?.[blockType]?.[name];
    if (!raw)
      throw new UnresolvableReferenceError(`${where}: \${${expression}} names no block of stack ${this.stack.id}`);

    const key = `${type}.${name}.${attribute}`;
    if (this.resolving.has(key)) throw new UnresolvableReferenceError(`${where}: reference cycle through ${key}`);
    this.resolving.add(key);
    try {
      const view: ResolverView = {
        region: this.region,
        identity: this.identity,
        address: `${this.stack.id}:${type}.${name}`,
        arg: (arg) => {
          const value = raw[arg];
          if (typeof value !== 'string') {
            throw new UnresolvableReferenceError(
              `${where}: ${type}.${name} has no string argument "${arg}" (needed for .${attribute})`,
            );
          }
          return this.resolveString(value, `${type}.${name}.${arg}`);
        },
      };
      const computed = COMPUTED[type]?.[attribute];
      if (computed) return computed(view);
      const value = raw[attribute];
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        return this.resolveString(String(value), `${type}.${name}.${attribute}`);
      }
      throw new UnresolvableReferenceError(
        `${where}: \${${expression}} is computed by AWS and the scanner has no rule for it (add one to COMPUTED in security/terraform.ts)`,
      );
    } finally {
      this.resolving.delete(key);
    }
  }
}
