/**
 * Evaluates the Terraform references in a synthesized stack to deterministic local values.
 *
 * Terraform only knows most attributes (ARNs, ids, endpoints) after AWS created the resource; the
 * local runtime needs them before anything runs, so each supported `type.attribute` is computed the
 * way AWS would shape it, from the resource's own (resolved) arguments and a fixed local account.
 * Resolution is lazy and memoized: an attribute is computed when something references it, which may
 * resolve other resources first (a policy needs a function ARN, which needs the function name, ...).
 * Anything that cannot be evaluated fails with a {@link ResolutionError} naming the resource and
 * attribute where it appears, so start-up stops with a message the user can act on.
 */

import { createHash } from 'node:crypto';
import { partitionOf } from '../../stacks/partition';
import { block, findBlock, type ResourceBlock, type TerraformJson } from './document';
import { parseReference, parseTemplate, TemplateSyntaxError } from './expressions';

/** The local stand-ins for what AWS would assign. */
export interface LocalIdentity {
  /** Local account id, e.g. 123456789012. */
  readonly accountId: string;
  /** ARN partition; {@link TerraformResolver} uses the partition of the stack's region instead. */
  readonly partition: string;
  /** Base URL the runtime serves the HTTP API on, e.g. http://127.0.0.1:3000 (no trailing slash). */
  readonly apiEndpoint: string;
}

/** Where a value sits in the document, for error messages. */
export interface Location {
  /** Resource address, `output.<name>` or `provider.aws`. */
  readonly address: string;
  /** Attribute (argument) path inside it, e.g. `policy` or `environment.variables.STATE_MACHINE_ARN`. */
  readonly attribute: string;
}

/** A value the local runtime cannot evaluate; the message names the resource and attribute. */
export class ResolutionError extends Error {
  override readonly name = 'ResolutionError';
  constructor(
    readonly location: Location,
    readonly detail: string,
  ) {
    super(`${location.address} (attribute "${location.attribute}"): ${detail}`);
  }
}

type Computed = (resource: ResolvedResource) => unknown;

/** A resource seen through the resolver: arguments come back resolved. */
export interface ResolvedResource {
  readonly block: ResourceBlock;
  /** The resolved argument at a dotted path; undefined when absent. */
  arg(path: string): unknown;
  /** Like {@link arg} but required to be a non-empty string. */
  stringArg(path: string): string;
  readonly region: string;
  readonly identity: LocalIdentity;
}

/**
 * Attributes that AWS computes, per resource type. Arguments (e.g. `function_name`) need no entry:
 * Terraform exposes every argument as an attribute of the same name.
 */
const COMPUTED: Readonly<Record<string, Readonly<Record<string, Computed>>>> = {
  aws_iam_role: {
    arn: (r) => `arn:${r.identity.partition}:iam::${r.identity.accountId}:role${rolePath(r)}${r.stringArg('name')}`,
    id: (r) => r.stringArg('name'),
    unique_id: (r) => `AROA${shortId(r.block.address, 17).toUpperCase()}`,
  },
  aws_iam_role_policy: {
    id: (r) => `${roleNameOf(r.stringArg('role'))}:${r.stringArg('name')}`,
  },
  aws_iam_policy: {
    arn: (r) => `arn:${r.identity.partition}:iam::${r.identity.accountId}:policy${rolePath(r)}${r.stringArg('name')}`,
    id: (r) => `arn:${r.identity.partition}:iam::${r.identity.accountId}:policy${rolePath(r)}${r.stringArg('name')}`,
    policy_id: (r) => `ANPA${shortId(r.block.address, 17).toUpperCase()}`,
  },
  aws_iam_role_policy_attachment: {
    id: (r) => `${r.stringArg('role')}-${shortId(r.block.address, 20)}`,
  },
  aws_cloudwatch_log_group: {
    // The provider strips the ":*" suffix CloudWatch adds (terraform-provider-aws docs, attribute `arn`).
    arn: (r) => `arn:${r.identity.partition}:logs:${r.region}:${r.identity.accountId}:log-group:${r.stringArg('name')}`,
    id: (r) => r.stringArg('name'),
  },
  aws_lambda_function: {
    arn: (r) => functionArn(r),
    id: (r) => r.stringArg('function_name'),
    invoke_arn: (r) => invokeArn(r, functionArn(r)),
    qualified_arn: (r) => `${functionArn(r)}:$LATEST`,
    qualified_invoke_arn: (r) => invokeArn(r, `${functionArn(r)}:$LATEST`),
    version: () => '$LATEST',
    source_code_size: () => 0,
  },
  aws_lambda_permission: {
    id: (r) => r.stringArg('statement_id'),
  },
  aws_sfn_state_machine: {
    arn: (r) => stateMachineArn(r),
    id: (r) => stateMachineArn(r),
    status: () => 'ACTIVE',
    state_machine_version_arn: () => '',
    revision_id: () => '',
  },
  aws_apigatewayv2_api: {
    id: (r) => apiId(r),
    api_endpoint: (r) => r.identity.apiEndpoint,
    arn: (r) => `arn:${r.identity.partition}:apigateway:${r.region}::/apis/${apiId(r)}`,
    execution_arn: (r) => `arn:${r.identity.partition}:execute-api:${r.region}:${r.identity.accountId}:${apiId(r)}`,
  },
  aws_apigatewayv2_integration: {
    id: (r) => shortId(r.block.address, 7),
  },
  aws_apigatewayv2_route: {
    id: (r) => shortId(r.block.address, 7),
  },
  aws_apigatewayv2_authorizer: {
    id: (r) => shortId(r.block.address, 6),
  },
  aws_apigatewayv2_stage: {
    id: (r) => r.stringArg('name'),
    // `$default` is served at the API's root; other stages under `/<name>`.
    invoke_url: (r) => {
      const name = r.stringArg('name');
      return name === '$default' ? `${r.identity.apiEndpoint}/` : `${r.identity.apiEndpoint}/${name}`;
    },
    arn: (r) =>
      `arn:${r.identity.partition}:apigateway:${r.region}::/apis/${r.stringArg('api_id')}/stages/${r.stringArg('name')}`,
    execution_arn: (r) =>
      `arn:${r.identity.partition}:execute-api:${r.region}:${r.identity.accountId}:${r.stringArg('api_id')}/${r.stringArg('name')}`,
  },
  'data.aws_caller_identity': {
    account_id: (r) => r.identity.accountId,
    id: (r) => r.identity.accountId,
    arn: (r) => `arn:${r.identity.partition}:iam::${r.identity.accountId}:user/local-developer`,
    user_id: () => 'AIDALOCALDEVELOPER',
  },
  'data.aws_partition': {
    partition: (r) => r.identity.partition,
    id: (r) => r.identity.partition,
    dns_suffix: () => 'amazonaws.com',
    reverse_dns_prefix: () => 'com.amazonaws',
  },
  'data.aws_region': {
    name: (r) => r.region,
    region: (r) => r.region,
    id: (r) => r.region,
    endpoint: (r) => `ec2.${r.region}.amazonaws.com`,
    description: () => 'local',
  },
};

/** Resolves `${...}` references of one synthesized stack. */
export class TerraformResolver {
  /** Region of the default `aws` provider. */
  readonly region: string;
  /** `default_tags` of the default `aws` provider, which every taggable resource gets (`tags_all`). */
  readonly defaultTags: Readonly<Record<string, string>>;
  private readonly memo = new Map<string, unknown>();
  private readonly inProgress: string[] = [];

  /** The identity given, with the partition of {@link region}: ARNs agree with those the stack writes. */
  readonly identity: LocalIdentity;

  constructor(
    readonly doc: TerraformJson,
    identity: LocalIdentity,
  ) {
    this.region = this.providerRegion();
    this.identity = { ...identity, partition: partitionOf(this.region) };
    // Tags may reference other values, which need the identity.
    this.defaultTags = this.providerDefaultTags();
  }

  /**
   * A resource's `tags_all`, as the provider computes it: its `default_tags` overlaid with the
   * resource's own `tags`.
   */
  tagsOf(address: string): Record<string, string> {
    const own = this.resource(address).arg('tags') ?? {};
    return { ...this.defaultTags, ...stringMap(own, { address, attribute: 'tags' }) };
  }

  /**
   * Resolves every template string inside `value` (deeply). A string that is exactly one reference
   * takes the referenced value as is (it may be a number or a list); embedded references are
   * rendered as text.
   * @throws ResolutionError naming `location` for anything that cannot be evaluated.
   */
  resolve(value: unknown, location: Location): unknown {
    if (typeof value === 'string') return this.resolveString(value, location);
    if (Array.isArray(value)) return value.map((item, i) => this.resolve(item, sub(location, String(i))));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        if (key.startsWith('//')) continue; // cdktf metadata
        out[key] = this.resolve(item, sub(location, key));
      }
      return out;
    }
    return value;
  }

  /** A resource with lazily resolved arguments; throws when the address is not in the stack. */
  resource(address: string, location?: Location): ResolvedResource {
    const found = findBlock(this.doc, address);
    if (!found) {
      throw new ResolutionError(location ?? { address, attribute: '*' }, `the stack defines no ${address}`);
    }
    return this.view(found);
  }

  /** Value of `address.attribute` as Terraform would know it after apply. */
  attribute(address: string, attribute: string, location: Location): unknown {
    const key = `${address}.${attribute}`;
    if (this.memo.has(key)) return this.memo.get(key);
    if (this.inProgress.includes(key)) {
      throw new ResolutionError(location, `reference cycle: ${[...this.inProgress, key].join(' -> ')}`);
    }
    const resource = this.resource(address, location);
    const type = address.startsWith('data.') ? `data.${resource.block.type}` : resource.block.type;
    this.inProgress.push(key);
    try {
      const computed = COMPUTED[type]?.[attribute];
      let value: unknown;
      if (computed) value = computed(resource);
      else if (attribute in resource.block.config) value = resource.arg(attribute);
      else {
        throw new ResolutionError(
          location,
          `references ${key}, an attribute the local runtime does not compute for ${type}` +
            (COMPUTED[type]
              ? ` (it computes: ${Object.keys(COMPUTED[type]!).join(', ')})`
              : ' (resource type not emulated)'),
        );
      }
      this.memo.set(key, value);
      return value;
    } finally {
      this.inProgress.pop();
    }
  }

  private resolveString(source: string, location: Location): unknown {
    if (!source.includes('{')) return source;
    let parts;
    try {
      parts = parseTemplate(source);
    } catch (err) {
      if (err instanceof TemplateSyntaxError) throw new ResolutionError(location, err.message);
      throw err;
    }
    const values = parts.map((part) => {
      if (part.kind === 'text') return part.text;
      if (part.kind === 'directive') {
        throw new ResolutionError(location, `template directive %{${part.expression}} cannot be evaluated locally`);
      }
      const ref = parseReference(part.expression);
      if (!ref) {
        throw new ResolutionError(
          location,
          `\${${part.expression}} cannot be evaluated locally (only references like \${aws_type.name.attribute} are supported)`,
        );
      }
      return this.attribute(ref.address, ref.attribute, location);
    });
    if (parts.length === 1 && parts[0]!.kind === 'expression') return values[0];
    return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('');
  }

  private view(found: ResourceBlock): ResolvedResource {
    const arg = (path: string): unknown => {
      let node: unknown = found.config;
      for (const key of path.split('.')) {
        node = Array.isArray(node) ? block(node)?.[key] : (node as Record<string, unknown> | undefined)?.[key];
        if (node === undefined || node === null) return undefined;
      }
      return this.resolve(node, { address: found.address, attribute: path });
    };
    return {
      block: found,
      arg,
      stringArg(path: string): string {
        const value = arg(path);
        if (typeof value !== 'string' || value === '') {
          throw new ResolutionError(
            { address: found.address, attribute: path },
            `expected a non-empty string, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`,
          );
        }
        return value;
      },
      region: this.region,
      identity: this.identity,
    };
  }

  // The default provider has no alias; aliased ones serve other regions.
  private mainProvider(): Record<string, unknown> | undefined {
    const providers = this.doc.provider?.['aws'];
    const list = (Array.isArray(providers) ? providers : providers ? [providers] : []) as Record<string, unknown>[];
    return list.find((p) => p['alias'] === undefined) ?? list[0];
  }

  private providerDefaultTags(): Record<string, string> {
    const location = { address: 'provider.aws', attribute: 'default_tags' };
    const blocks = this.resolve(this.mainProvider()?.['default_tags'] ?? [], location);
    const tags: Record<string, string> = {};
    for (const block of Array.isArray(blocks) ? blocks : [blocks]) {
      Object.assign(tags, stringMap((block as Record<string, unknown> | null)?.['tags'] ?? {}, location));
    }
    return tags;
  }

  private providerRegion(): string {
    const main = this.mainProvider();
    const region = main
      ? this.resolve((main as Record<string, unknown>)['region'], { address: 'provider.aws', attribute: 'region' })
      : undefined;
    if (typeof region !== 'string' || region === '') {
      throw new ResolutionError({ address: 'provider.aws', attribute: 'region' }, 'the aws provider has no region');
    }
    return region;
  }
}

// Tags are a map of strings; anything else would be refused by the provider's schema.
function stringMap(value: unknown, location: Location): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ResolutionError(location, 'expected a map of strings');
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string')
      throw new ResolutionError(sub(location, key), `expected a string, got ${JSON.stringify(item)}`);
  }
  return value as Record<string, string>;
}

function sub(location: Location, key: string): Location {
  return { address: location.address, attribute: `${location.attribute}.${key}` };
}

function functionArn(r: ResolvedResource): string {
  return `arn:${r.identity.partition}:lambda:${r.region}:${r.identity.accountId}:function:${r.stringArg('function_name')}`;
}

function invokeArn(r: ResolvedResource, fnArn: string): string {
  return `arn:${r.identity.partition}:apigateway:${r.region}:lambda:path/2015-03-31/functions/${fnArn}/invocations`;
}

function stateMachineArn(r: ResolvedResource): string {
  return `arn:${r.identity.partition}:states:${r.region}:${r.identity.accountId}:stateMachine:${r.stringArg('name')}`;
}

function apiId(r: ResolvedResource): string {
  return shortId(`api:${r.stringArg('name')}`, 10);
}

function rolePath(r: ResolvedResource): string {
  const path = r.arg('path');
  return typeof path === 'string' && path !== '' ? path : '/';
}

// `role` of a role policy is a role name, or (when written as a reference to the role's arn) an ARN.
function roleNameOf(role: string): string {
  const slash = role.lastIndexOf('/');
  return role.startsWith('arn:') && slash >= 0 ? role.slice(slash + 1) : role;
}

/**
 * A deterministic lower-case id of `length` characters (a-z0-9), like the ids API Gateway assigns:
 * the same stack gives the same ids on every start, so URLs and ARNs printed once stay valid.
 */
export function shortId(seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  let id = '';
  for (let i = 0; id.length < length; i++) id += (digest[i % digest.length]! % 36).toString(36);
  return id;
}
