/**
 * Types and accessors for the parts of a synthesized `cdk.tf.json` the runtime reads.
 *
 * Terraform JSON allows a nested block to be written as an object or as a list of objects; cdktf
 * writes objects, hand-written overrides may write lists. {@link block} accepts both.
 */

/** A synthesized Terraform JSON document (only the keys we read are typed). */
export interface TerraformJson {
  readonly provider?: Record<string, unknown>;
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, { readonly value: unknown; readonly sensitive?: boolean }>;
  readonly [key: string]: unknown;
}

/** One resource or data source block with its address, e.g. `aws_iam_role.worker_role_1A2B`. */
export interface ResourceBlock {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/** Every resource of `type` (not data sources), in document order. */
export function resourcesOfType(doc: TerraformJson, type: string): ResourceBlock[] {
  const byName = doc.resource?.[type] ?? {};
  return Object.entries(byName).map(([name, config]) => ({ address: `${type}.${name}`, type, name, config }));
}

/** Looks a block up by address (`type.name` or `data.type.name`). */
export function findBlock(doc: TerraformJson, address: string): ResourceBlock | undefined {
  const isData = address.startsWith('data.');
  const [type, name] = (isData ? address.slice(5) : address).split('.', 2) as [string, string | undefined];
  if (name === undefined) return undefined;
  const config = (isData ? doc.data : doc.resource)?.[type]?.[name];
  return config ? { address, type, name, config } : undefined;
}

/** A nested block written as an object or a one-element list; undefined when absent. */
export function block(value: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(value)) return block(value[0]);
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

/** The value at a dotted path, stepping into blocks written as lists; undefined when absent. */
export function valueAt(config: Readonly<Record<string, unknown>>, path: string): unknown {
  let node: unknown = config;
  for (const key of path.split('.')) {
    const current = block(node);
    if (!current) return undefined;
    node = current[key];
  }
  return node;
}
