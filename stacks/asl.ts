import { readFileSync } from 'node:fs';

/** A value for a `${Name}` placeholder. */
export type AslValue = string | number | boolean;

const PLACEHOLDER = /\$\{([A-Za-z][A-Za-z0-9_]*)\}/g;
// `arn:aws:`, `arn:aws-cn:`, … written into the template itself rather than taken from ${Partition}.
const HARD_CODED_PARTITION = /\barn:aws(-[a-z]+)*:/;
const WHOLE_PLACEHOLDER = /^\$\{([A-Za-z][A-Za-z0-9_]*)\}$/;

/** Thrown when a template and its values do not match; the message lists every mismatch. */
export class AslTemplateError extends Error {
  constructor(source: string, problems: readonly string[]) {
    super(`${source}: ${problems.join('; ')}`);
    this.name = 'AslTemplateError';
  }
}

/**
 * Renders a hand-written ASL template: every `${Name}` placeholder is replaced by its value.
 *
 * - A string that is exactly one placeholder takes the value's own JSON type, so
 *   `"TimeoutSeconds": "${TaskTimeoutSeconds}"` becomes a number while the file stays valid JSON.
 * - A placeholder inside a longer string is interpolated as text.
 * - An ARN with a literal partition (`arn:aws:`) is an error: the partition follows the region, so
 *   templates write `arn:${Partition}:` and the state machine construct supplies it.
 * - A placeholder without a value, a value the template never uses, or any other `${` or `%{` in the
 *   template is an error: in Terraform a leftover `${...}` would be read as an interpolation and
 *   `%{...}` as a template directive, so neither may survive into the definition.
 *
 * Values may be cdktf tokens (e.g. a function ARN); they pass through as strings and Terraform
 * resolves them.
 *
 * @param template the ASL JSON text.
 * @param values one value per placeholder.
 * @param source a name for error messages (usually the file path).
 * @returns the rendered definition as a parsed object.
 */
export function renderAsl(
  template: string,
  values: Readonly<Record<string, AslValue>>,
  source = 'ASL template',
): unknown {
  let document: unknown;
  try {
    document = JSON.parse(template);
  } catch (err) {
    throw new AslTemplateError(source, [`not valid JSON (${(err as Error).message})`]);
  }
  const used = new Set<string>();
  const problems: string[] = [];

  const renderString = (text: string, path: string): AslValue => {
    const whole = WHOLE_PLACEHOLDER.exec(text);
    if (whole) {
      const name = whole[1]!;
      used.add(name);
      if (!(name in values)) {
        problems.push(`no value for placeholder \${${name}} at ${path}`);
        return text;
      }
      return values[name]!;
    }
    const rendered = text.replace(PLACEHOLDER, (match, name: string) => {
      used.add(name);
      if (!(name in values)) {
        problems.push(`no value for placeholder \${${name}} at ${path}`);
        return match;
      }
      return String(values[name]);
    });
    if (HARD_CODED_PARTITION.test(text)) {
      problems.push(
        `"${text}" at ${path} hard-codes an ARN partition; write arn:\${Partition}: so China and GovCloud regions work`,
      );
    }
    // Checked on the template text, not on the values: values may be cdktf tokens, which contain "${".
    const leftover = text.replace(PLACEHOLDER, '');
    if (leftover.includes('${') || leftover.includes('%{')) {
      problems.push(
        `"${text}" at ${path} has a "\${" or "%{" that is not a placeholder; Terraform would interpolate it`,
      );
    }
    return rendered;
  };

  const walk = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') return renderString(node, path);
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${path}[${i}]`));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node)) {
        if (key.includes('${') || key.includes('%{'))
          problems.push(`key "${key}" at ${path} may not contain a placeholder`);
        out[key] = walk(value, `${path}.${key}`);
      }
      return out;
    }
    return node;
  };

  const rendered = walk(document, '$');
  for (const name of Object.keys(values)) {
    if (!used.has(name)) problems.push(`value "${name}" is not used by any placeholder`);
  }
  if (problems.length > 0) throw new AslTemplateError(source, problems);
  return rendered;
}

/** Reads an ASL file and renders it with {@link renderAsl}. */
export function renderAslFile(path: string, values: Readonly<Record<string, AslValue>>): unknown {
  return renderAsl(readFileSync(path, 'utf8'), values, path);
}

/**
 * The names of every `${Name}` placeholder in a template's text, so a caller can offer optional
 * values only where the template uses them (the renderer refuses a value the template never uses).
 */
export function placeholdersOf(template: string): Set<string> {
  return new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!));
}
