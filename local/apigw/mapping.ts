/**
 * HTTP API parameter mapping values, as AWS documents them for request parameters
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html and
 * .../http-api-develop-integrations-aws-services.html):
 * `$request.header.<name>`, `$request.querystring.<name>`, `$request.path` / `$request.path.<name>`,
 * `$request.body` / `$request.body.<JSONPath>`, `$context.<name>`, `$stageVariables.<name>`, static
 * text, and combinations where each expression is written `${request.path.id}` (braces around
 * everything after `$`). Header names are case-insensitive; repeated values are joined with commas.
 * Body JSON paths are evaluated on the first 100 KB of the body and support dotted names and array
 * indexes, not recursive descent or filters.
 */

/** What a mapping expression can read. */
export interface MappingSource {
  /** Lower-case header names, repeated values joined with `,`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Query parameters, repeated values joined with `,`. */
  readonly query: Readonly<Record<string, string>>;
  /** Request path without the stage. */
  readonly path: string;
  readonly pathParameters: Readonly<Record<string, string>>;
  /** The raw body text. */
  readonly body: string;
  /** `$context` values by dotted name (e.g. `requestId`, `identity.sourceIp`). */
  readonly context: Readonly<Record<string, string | number | undefined>>;
  readonly stageVariables: Readonly<Record<string, string>>;
}

/** A mapped value: undefined when the expression selected nothing. */
export type Mapped = string | undefined;

/**
 * Thrown when a body JSON path is used and the body (its first 100 KB) is not JSON, or the selected value
 * is nested too deeply to serialise: API Gateway cannot evaluate it.
 */
export class MappingError extends Error {
  override readonly name = 'MappingError';
}

/** JSON paths only see this much of the body (AWS: "truncates the request body at 100 KB"). */
export const BODY_JSONPATH_LIMIT = 100 * 1024;

const BARE =
  /\$(request\.(?:header|querystring|path|body)(?:\.[^\s$]*)?|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+)/g;
const BRACED = /\$\{((?:request|context|stageVariables)\.[^}]+)\}/g;
const EXPRESSION_ROOT = /^(request|context|stageVariables)\./;

/**
 * Evaluates one mapping value.
 * - A value that is one expression gives what it selects, or undefined when it selects nothing.
 * - Mixed text substitutes each expression (nothing selected → empty text).
 * @throws MappingError when a body JSON path is used on a body that is not JSON (see {@link MappingError}).
 */
export function evaluateMapping(value: string, source: MappingSource): Mapped {
  const whole = /^\$\{([^}]+)\}$/.exec(value)?.[1] ?? (/^\$([^\s{$]+)$/.exec(value)?.[1] as string | undefined);
  if (whole !== undefined && EXPRESSION_ROOT.test(whole)) return select(whole, source);
  if (!value.includes('$')) return value;
  return value
    .replace(BRACED, (_m, expr: string) => select(expr, source) ?? '')
    .replace(BARE, (_m, expr: string) => select(expr, source) ?? '');
}

// Selects one expression such as `request.body.input` or `context.requestId`.
function select(expression: string, source: MappingSource): Mapped {
  const [root, kind, ...rest] = expression.split('.');
  const name = rest.join('.');
  if (root === 'context') return stringOf(source.context[[kind, ...rest].join('.')]);
  if (root === 'stageVariables') return source.stageVariables[kind ?? ''];
  switch (kind) {
    case 'header':
      return source.headers[name.toLowerCase()];
    case 'querystring':
      return source.query[name];
    case 'path':
      return name === '' ? source.path : source.pathParameters[name];
    case 'body':
      return name === '' ? source.body : selectBody(name, source);
    default:
      return undefined;
  }
}

// The body's JSON document per request: a route maps several members from one body (a start's name and
// input), and a body of up to 10 MB must not be parsed once per member. Undefined: not JSON.
const bodies = new WeakMap<MappingSource, { readonly document: unknown } | undefined>();

function bodyDocument(source: MappingSource): unknown {
  if (!bodies.has(source)) {
    let parsed: { readonly document: unknown } | undefined;
    try {
      parsed = { document: JSON.parse(firstBytes(source.body, BODY_JSONPATH_LIMIT)) };
    } catch {
      parsed = undefined;
    }
    bodies.set(source, parsed);
  }
  const parsed = bodies.get(source);
  if (!parsed) throw new MappingError('the request body is not JSON, so $request.body.* cannot be evaluated');
  return parsed.document;
}

function selectBody(path: string, source: MappingSource): Mapped {
  let node: unknown = bodyDocument(source);
  for (const step of pathSteps(path)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[step];
    if (node === undefined) return undefined;
  }
  // Strings are passed as they are; any other JSON value as its JSON text.
  if (typeof node === 'string') return node;
  try {
    return JSON.stringify(node);
  } catch {
    // JSON.stringify recurses: a value nested thousands of levels deep overflows the stack. A client's
    // body must not turn into a 500, so it is refused like a body that cannot be read.
    throw new MappingError('the selected JSON value is nested too deeply to be evaluated');
  }
}

// The limit is in bytes ("100 KB"): a body of multi-byte characters is cut by its UTF-8 size, not by
// its length in UTF-16 code units (a 270 KB body of 90,000 three-byte characters is cut too).
function firstBytes(text: string, limit: number): string {
  if (text.length * 3 <= limit || Buffer.byteLength(text, 'utf8') <= limit) return text;
  return Buffer.from(text, 'utf8').subarray(0, limit).toString('utf8');
}

// `a.b[0]['c d']` → ['a', 'b', '0', 'c d'].
function pathSteps(path: string): string[] {
  const steps: string[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/g;
  for (let m = re.exec(path); m !== null; m = re.exec(path)) steps.push(m[1] ?? m[2] ?? m[3] ?? m[4]!);
  return steps;
}

function stringOf(value: string | number | undefined): Mapped {
  return value === undefined ? undefined : String(value);
}
