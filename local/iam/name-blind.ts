/**
 * When one decision holds for every name under the same parent: the authorizer's memo is keyed by
 * resource, and some resources are new on every call (each execution has its own ARN, so every
 * DescribeExecution of a new execution cost a full simulation, most of the runtime's time per describe).
 *
 * A decision about `<parent>:<name>` depends on the name only through the Resource and NotResource
 * patterns that can tell two names apart. This module says which names and patterns cannot, on the
 * safe side: anything it is not sure of is simulated resource by resource, as before.
 * - a name is plain: 1 to 80 of A-Z a-z 0-9 _ - (execution and function names; no `:`, `/` or
 *   wildcard that could change how the ARN is split or classified);
 * - a pattern without wildcards or policy variables names one resource: it cannot tell names apart
 *   unless it lies under this parent (compared ignoring case, the stricter reading);
 * - a pattern whose only wildcard is one trailing `*` matches by prefix: it cannot tell names apart
 *   when that prefix ends before the name or lies outside the parent (`<log group ARN>:*`);
 * - any other pattern (`?`, an inner `*`, `${aws:username}`) might, so nothing is shared.
 */
import type { Decision } from './authorizer';

const PLAIN_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * The parent (`arn:…:execution:machine:`) whose names all get the decision of `resource`, or
 * undefined when `resource` must be simulated on its own.
 * @param patterns every Resource and NotResource of the policies evaluated, or undefined when unknown
 */
export function nameBlindParent(resource: string, patterns: readonly string[] | undefined): string | undefined {
  if (!patterns) return undefined;
  const cut = resource.lastIndexOf(':');
  if (cut < 0 || !PLAIN_NAME.test(resource.slice(cut + 1))) return undefined;
  const parent = resource.slice(0, cut + 1);
  return patterns.every((p) => blindToNames(p, parent)) ? parent : undefined;
}

function blindToNames(pattern: string, parent: string): boolean {
  if (pattern.includes('${')) return false;
  const wildcard = pattern.search(/[*?]/);
  const under = pattern.toLowerCase().startsWith(parent.toLowerCase());
  if (wildcard < 0) return !under;
  return wildcard === pattern.length - 1 && pattern.endsWith('*') && (wildcard <= parent.length || !under);
}

/**
 * Every Resource and NotResource of these policy documents, or undefined when one is not in the
 * shape IAM accepts (then nothing is shared).
 */
export function resourcePatterns(documents: readonly { readonly Statement: unknown }[]): string[] | undefined {
  const patterns: string[] = [];
  for (const document of documents) {
    const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
    for (const statement of statements) {
      if (statement === null || typeof statement !== 'object') return undefined;
      for (const key of ['Resource', 'NotResource']) {
        const value: unknown = (statement as Record<string, unknown>)[key];
        if (value === undefined) continue;
        const values: unknown[] = Array.isArray(value) ? value : [value];
        if (!values.every((v): v is string => typeof v === 'string')) return undefined;
        patterns.push(...values);
      }
    }
  }
  return patterns;
}

/** `decision`, shared by several names, speaking of the one asked about (`resource`; none: unchanged). */
export function forResource(decision: Decision, resource: string | undefined): Decision {
  if (resource === undefined || decision.resource === resource) return decision;
  const message = decision.message.replace(`resource: ${decision.resource}`, `resource: ${resource}`);
  return { ...decision, resource, message };
}
