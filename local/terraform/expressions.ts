/**
 * Scanner for Terraform template strings as they appear in a synthesized `cdk.tf.json`.
 *
 * cdktf writes references as `${aws_x.y.attr}`, either as the whole string or embedded in a longer
 * one (policies, ARNs, the state machine definition). Terraform escapes a literal `${` as `$${` and a
 * literal `%{` as `%%{`; `%{...}` is a template directive. This module only splits a string into
 * literal text and expressions; deciding what an expression means is the resolver's job.
 */

/** One piece of a template string. */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'expression'; readonly expression: string }
  | { readonly kind: 'directive'; readonly expression: string };

/** A parsed `type.name.attribute` (or `data.type.name.attribute`) reference. */
export interface Reference {
  /** `aws_lambda_function.worker_1A2B` or `data.aws_partition.p`. */
  readonly address: string;
  readonly attribute: string;
}

// A resource traversal: optional `data.` prefix, type, logical name (cdktf names contain `-`), attribute.
const TRAVERSAL = /^\s*((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)\.([A-Za-z_][A-Za-z0-9_]*)\s*$/;

/** Thrown for text that is not a well-formed template (an unterminated `${`). */
export class TemplateSyntaxError extends Error {
  override readonly name = 'TemplateSyntaxError';
}

/**
 * Splits a template string into text and `${...}` / `%{...}` parts. Escapes (`$${`, `%%{`) become text.
 * Adjacent text is merged, so a string without expressions is one text part.
 */
export function parseTemplate(source: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    const next = source[i + 1];
    if ((ch === '$' || ch === '%') && next === ch && source[i + 2] === '{') {
      text += `${ch}{`;
      i += 3;
      continue;
    }
    if ((ch === '$' || ch === '%') && next === '{') {
      const end = findClosingBrace(source, i + 2);
      if (end < 0) throw new TemplateSyntaxError(`unterminated "${ch}{" in ${JSON.stringify(source.slice(i, i + 40))}`);
      if (text) parts.push({ kind: 'text', text });
      text = '';
      const expression = source.slice(i + 2, end);
      parts.push(ch === '$' ? { kind: 'expression', expression } : { kind: 'directive', expression });
      i = end + 1;
      continue;
    }
    text += ch;
    i++;
  }
  if (text || parts.length === 0) parts.push({ kind: 'text', text });
  return parts;
}

/** True when the string holds at least one `${` or `%{` that Terraform would evaluate. */
export function hasInterpolation(source: string): boolean {
  if (!source.includes('{')) return false;
  return parseTemplate(source).some((p) => p.kind !== 'text');
}

/** Parses `aws_x.y.attr` / `data.aws_x.y.attr`; undefined for anything else (functions, operators, vars). */
export function parseReference(expression: string): Reference | undefined {
  const match = TRAVERSAL.exec(expression);
  if (!match) return undefined;
  return { address: match[1]!, attribute: match[2]! };
}

// Expressions may hold quoted strings and nested braces (e.g. `jsonencode({a = "}"})`); skip both so
// the first `}` that closes the interpolation is found.
function findClosingBrace(source: string, start: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = start; i < source.length; i++) {
    const ch = source[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === '{') depth++;
    else if (ch === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}
