/** Verdict helpers every rule file shares. */
import type { Verdict } from '../engine';

/** True for a value a scanner counts as set (not absent, null, empty string or empty list). */
export const present = (v: unknown) =>
  v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
/** The verdict of a resource that meets the rule. */
export const pass: Verdict = [];
/** The verdict of a resource that does not, with one message per problem. */
export const fail = (...messages: string[]): Verdict => messages;
/** `1 day`, `7 days`. */
export const DAY_WORDS = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
