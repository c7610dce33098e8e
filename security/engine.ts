/**
 * A small rule engine over synthesized Terraform: a rule is data (ids, title, resource types, what
 * it mirrors) plus a check function; the engine runs it over every resource of those types and
 * reports what it checked and what it found.
 */
import type { ScannedResource } from './terraform';

/** What a rule sees besides the resource under check. */
export interface RuleContext {
  /** Every scanned resource of the app (for rules that follow connections, e.g. bucket → versioning). */
  readonly resources: readonly ScannedResource[];
  /** The date rules with deadlines compare against (injected, so tests are deterministic). */
  readonly today: Date;
}

/**
 * A rule's verdict on one resource: `null` when the rule does not apply to it (the scanner would
 * say UNKNOWN or skip it), otherwise the list of problems, empty when it passes.
 */
export type Verdict = readonly string[] | null;

/** A static security rule. */
export interface Rule {
  /** Scanner ids this rule encodes, checkov's first, then trivy's (e.g. `CKV_AWS_76`, `AWS-0001`); or one own `AAPI_` id. */
  readonly ids: readonly string[];
  /** What must hold, in one line. */
  readonly title: string;
  /** Terraform resource types the rule looks at. */
  readonly resourceTypes: readonly string[];
  /** Exactly what the scanner checks and how this rule mirrors it (or differs, and why). */
  readonly mirrors: string;
  /** The verdict on one resource. */
  readonly check: (resource: ScannedResource, context: RuleContext) => Verdict | Promise<Verdict>;
  /** Advice that must not fail the build (e.g. a deprecation in a few months). */
  readonly warn?: (resource: ScannedResource, context: RuleContext) => readonly string[];
}

/** One problem a rule found. */
export interface Violation {
  /** The rule's first id. */
  readonly ruleId: string;
  readonly ruleIds: readonly string[];
  /** `<stack>:<type>.<name>`. */
  readonly address: string;
  readonly type: string;
  /** Construct path, e.g. `async-api-dev/ramen-timer/function`. */
  readonly path: string;
  readonly message: string;
}

/** What one rule did over the app. */
export interface RuleResult {
  /** Addresses of the resources the rule applied to. */
  readonly checked: readonly string[];
  readonly violations: readonly Violation[];
  readonly warnings: readonly string[];
}

/** Runs `rule` over every resource of its types. */
export async function evaluateRule(rule: Rule, context: RuleContext): Promise<RuleResult> {
  const checked: string[] = [];
  const violations: Violation[] = [];
  const warnings: string[] = [];
  for (const resource of context.resources) {
    if (!rule.resourceTypes.includes(resource.type)) continue;
    const verdict = await rule.check(resource, context);
    if (verdict === null) continue;
    checked.push(resource.address);
    for (const message of verdict) {
      violations.push({
        ruleId: rule.ids[0]!,
        ruleIds: rule.ids,
        address: resource.address,
        type: resource.type,
        path: resource.path,
        message,
      });
    }
    for (const warning of rule.warn?.(resource, context) ?? [])
      warnings.push(`${rule.ids[0]} ${resource.address}: ${warning}`);
  }
  return { checked, violations, warnings };
}

/**
 * The resources connected to `resource` through an argument, e.g. the `aws_s3_bucket_versioning`
 * whose `bucket` is this bucket. After resolution a reference and the literal name look the same,
 * which matches Terraform: either way the settings land on that bucket.
 */
export function connected(
  context: RuleContext,
  resource: ScannedResource,
  type: string,
  argument: string,
  value: unknown,
): ScannedResource[] {
  return context.resources.filter((r) => r.type === type && r.stack === resource.stack && r.config[argument] === value);
}
