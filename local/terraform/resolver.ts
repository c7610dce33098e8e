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

import { partitionOf } from '../../stacks/partition';
import { COMPUTED } from './computed';
import { block, findBlock, type ResourceBlock, type TerraformJson } from './document';
import { parseReference, parseTemplate, type TemplatePart, TemplateSyntaxError } from './expressions';

/** The stand-ins for what AWS would assign: the local runtime's, or the security scan's fixed ones. */
export interface LocalIdentity {
  /** Account id, e.g. 123456789012. */
  readonly accountId: string;
  /** ARN partition; {@link TerraformResolver} uses the partition of the stack's region instead. */
  readonly partition: string;
  /**
   * Base URL the runtime serves the HTTP API on, e.g. http://127.0.0.1:3000 (no trailing slash).
   * Absent: the URL AWS would assign, `https://<api id>.execute-api.<region>.amazonaws.com`.
   */
  readonly apiEndpoint?: string;
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
    let parts: TemplatePart[];
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

/** A resource's numeric argument at `path`, or `fallback` when absent. @throws ResolutionError for a value that is not a number. */
export function numberArg(r: ResolvedResource, path: string, fallback: number): number {
  const value = r.arg(path);
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n))
    throw new ResolutionError(
      { address: r.block.address, attribute: path },
      `expected a number, got ${JSON.stringify(value)}`,
    );
  return n;
}
