/**
 * One API request member's limits as `aws-limits.ts` applies them: the AWS API model's range, length,
 * enum and pattern merged with a stricter documented limit (`STRICTER`), each bound naming its source.
 * Worked out once per member and kept: a synthesis checks thousands of values against a few dozen
 * members.
 */
import apiLimits from './aws-api-limits.json';
import { type MemberLimits, STRICTER } from './limit-rules';
import { kept } from './memo';

/** A member's merged limits. Sources are what a problem quotes in parentheses. */
export interface MemberBounds {
  /** `<member> in the AWS API model`. */
  readonly model: string;
  /** The model types it as a number (integer, long or double). */
  readonly numeric: boolean;
  readonly min: number;
  readonly max: number;
  readonly minSource: string;
  readonly maxSource: string;
  /** The allowed values as text, when there is an enum. */
  readonly allowed?: readonly string[];
  readonly allowedSource: string;
  /** Patterns the whole value must match, the model's first. */
  readonly patterns: readonly { readonly pattern: string; readonly regex: RegExp; readonly source: string }[];
}

const known = new Map<string, MemberBounds>();

/** The merged limits of `<service>:<Operation.Member>`; throws for a member with none. */
export function memberBounds(member: string): MemberBounds {
  return kept(known, member, merge);
}

function merge(member: string): MemberBounds {
  const [service, path] = member.split(':') as [string, string];
  const limits = (apiLimits.services as Record<string, Record<string, MemberLimits>>)[service]?.[path];
  const stricter = STRICTER[member];
  if (!limits && !stricter)
    throw new Error(`no limits for ${member} in aws-api-limits.json; run scripts/limits/extract-api-limits.ts`);
  const model = `${member} in the AWS API model`;
  const source = (bound: number | undefined, strict: number | undefined) =>
    strict !== undefined && (bound === undefined || strict !== bound) ? stricter!.source : model;
  const allowed = stricter?.enum ?? limits?.enum;
  const patterns = (
    [
      [limits?.pattern, model],
      [stricter?.pattern, stricter?.source],
    ] as const
  ).flatMap(([pattern, from]) =>
    // Model patterns are anchored by the service: the whole value must match.
    pattern ? [{ pattern, regex: new RegExp(`^(?:${pattern})$`, 'u'), source: from ?? model }] : [],
  );
  return {
    model,
    numeric: limits?.type === 'integer' || limits?.type === 'long' || limits?.type === 'double',
    min: Math.max(limits?.min ?? -Infinity, stricter?.min ?? -Infinity),
    max: Math.min(limits?.max ?? Infinity, stricter?.max ?? Infinity),
    minSource: source(limits?.min, stricter?.min),
    maxSource: source(limits?.max, stricter?.max),
    ...(allowed ? { allowed: allowed.map(String) } : {}),
    allowedSource: stricter?.enum ? stricter.source : model,
    patterns,
  };
}
