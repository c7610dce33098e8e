/**
 * Reads a cdktf output folder into the resources the security rules scan, with every Terraform
 * reference replaced by a concrete value.
 *
 * Scanners such as checkov read Terraform configuration, where an ARN is still `${aws_x.y.arn}`;
 * they then answer UNKNOWN for anything that depends on it. We know what each reference will be
 * (the names are ours, only the account and the API ids are AWS's), so references are resolved to
 * the values AWS would assign in a fixed test account. Rules and the IAM simulation then see real
 * ARNs, and "the role may invoke exactly this function" becomes a question with an answer.
 *
 * The resolution itself is the local runtime's ({@link TerraformResolver}): one model of what AWS
 * computes serves both, so the scan and the runtime cannot disagree about an ARN.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPUTED } from '../local/terraform/computed';
import { block, type TerraformJson } from '../local/terraform/document';
import { TerraformResolver } from '../local/terraform/resolver';

/** The stand-ins for what AWS assigns. */
export interface ScanIdentity {
  /** Account id, e.g. 123456789012. */
  readonly accountId: string;
  /** ARN partition, e.g. `aws`. */
  readonly partition: string;
}

/** The account and partition every scan resolves references with. */
export const SCAN_IDENTITY: ScanIdentity = { accountId: '123456789012', partition: 'aws' };

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
  /** The ARN AWS gives the resource (`local/terraform/computed.ts`), for types that have one there. */
  readonly arn?: string;
}

interface Manifest {
  readonly stacks: Record<string, { readonly synthesizedStackPath: string }>;
}

// cdktf's metadata, and Terraform meta-arguments that are not AWS settings.
const NOT_SETTINGS: ReadonlySet<string> = new Set(['//', 'depends_on', 'lifecycle', 'provider']);

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

/**
 * Every resource of every stack, resolved. Data sources are not resources to scan.
 * @throws ResolutionError naming the resource and attribute of a reference that cannot be evaluated.
 */
export function scanResources(
  stacks: readonly StackDocument[],
  identity: ScanIdentity = SCAN_IDENTITY,
): ScannedResource[] {
  return stacks.flatMap((stack) => {
    const resolver = resolverOf(stack, identity);
    return Object.entries(stack.json.resource ?? {}).flatMap(([type, byName]) =>
      Object.entries(byName).map(([name, raw]) => scanned(stack, resolver, type, name, raw)),
    );
  });
}

/**
 * Resolves a template string in the context of one stack, e.g.
 * `${aws_apigatewayv2_api.http-api_FA544390.execution_arn}`, to the value the scan uses.
 * @throws ResolutionError naming the reference.
 */
export function resolveTemplate(stack: StackDocument, text: string, identity: ScanIdentity = SCAN_IDENTITY): string {
  const value = resolverOf(stack, identity).resolve(text, { address: 'template', attribute: text });
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function resolverOf(stack: StackDocument, identity: ScanIdentity): TerraformResolver {
  // No apiEndpoint: API URLs take the shape AWS gives them.
  return new TerraformResolver(stack.json, { accountId: identity.accountId, partition: identity.partition });
}

function scanned(
  stack: StackDocument,
  resolver: TerraformResolver,
  type: string,
  name: string,
  raw: Record<string, unknown>,
): ScannedResource {
  const address = `${type}.${name}`;
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!NOT_SETTINGS.has(key)) config[key] = resolver.resolve(value, { address, attribute: key });
  }
  const path = block(block(raw['//'])?.['metadata'])?.['path'];
  // The ARN from the one table of what AWS computes, as references to it resolve.
  const arn = COMPUTED[type]?.['arn']
    ? resolver.resolve(`\${${address}.arn}`, { address, attribute: 'arn' })
    : undefined;
  return {
    stack: stack.id,
    type,
    name,
    address: `${stack.id}:${address}`,
    path: typeof path === 'string' ? path : `${stack.id}/${name}`,
    config,
    region: resolver.region,
    ...(typeof arn === 'string' ? { arn } : {}),
  };
}
