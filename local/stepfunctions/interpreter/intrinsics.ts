/**
 * Step Functions' intrinsic functions (`States.Format(...)` and the others) in JSONPath states.
 * They are a small call language of ASL's own, not JSONPath or JSONata, so there is no library for
 * them: this module parses a call into a tree (literals, paths, nested calls) and applies the
 * functions as the ASL specification and AWS's "Intrinsic functions" page describe them. Paths in
 * arguments are resolved by the caller's resolver (jsonpath.ts), so JSONPath stays in one place.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ProcessingError } from './errors';

type Arg =
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Arg[] };

/** Resolves a path argument (`$.a`, `$$.Execution.Id`, `$var.x`). */
export type PathResolver = (path: string) => unknown;

/** Most items `States.ArrayRange` (and JSONata's `$range`) gives (AWS "Intrinsic functions"). */
export const MAX_RANGE_ITEMS = 1000;

/**
 * The integers from `from` to `to` (inclusive) by `step` (integers, step ≠ 0), or undefined when they
 * are more than {@link MAX_RANGE_ITEMS}: counted before any is made, so a huge range costs nothing.
 */
export function integerRange(from: number, to: number, step: number): number[] | undefined {
  const count = Math.max(0, Math.floor((to - from) / step) + 1);
  if (count > MAX_RANGE_ITEMS) return undefined;
  return Array.from({ length: count }, (_, i) => from + i * step);
}

/** True when the text is an intrinsic function call. */
export function isIntrinsic(text: string): boolean {
  return /^States\.[A-Za-z0-9]+\(/.test(text.trim());
}

/**
 * Evaluates an intrinsic function call.
 * @throws StatesError States.IntrinsicFailure (States.Runtime for a bad call's syntax) as AWS does.
 */
export function evaluateIntrinsic(text: string, resolve: PathResolver): unknown {
  const parser = new Parser(text.trim());
  const call = parser.call();
  parser.end();
  return apply(call, resolve);
}

function apply(arg: Arg, resolve: PathResolver): unknown {
  if (arg.kind === 'literal') return arg.value;
  if (arg.kind === 'path') return resolve(arg.path);
  const fn = FUNCTIONS[arg.name];
  if (!fn) throw new ProcessingError('States.Runtime', `The intrinsic function ${arg.name} is not supported`);
  return fn(arg.args.map((a) => apply(a, resolve)));
}

function failure(name: string, message: string): ProcessingError {
  return new ProcessingError('States.IntrinsicFailure', `Invalid arguments in ${name}: ${message}`);
}

function expect<T>(ok: boolean, value: T, name: string, message: string): T {
  if (!ok) throw failure(name, message);
  return value;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

const HASHES: Readonly<Record<string, string>> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

const FUNCTIONS: Readonly<Record<string, (args: unknown[]) => unknown>> = {
  'States.Format': ([template, ...values]) => {
    expect(typeof template === 'string', 0, 'States.Format', 'the first argument must be a string');
    let i = 0;
    return (template as string).replace(/\{\}/g, () => {
      const v = values[i++];
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  },
  'States.StringToJson': ([s]) => {
    expect(typeof s === 'string', 0, 'States.StringToJson', 'the argument must be a string');
    try {
      return JSON.parse(s as string);
    } catch {
      throw failure('States.StringToJson', 'the argument is not JSON text');
    }
  },
  'States.JsonToString': ([v]) => JSON.stringify(v),
  'States.Array': (args) => args,
  'States.ArrayPartition': ([a, n]) => {
    expect(Array.isArray(a) && isInt(n) && n > 0, 0, 'States.ArrayPartition', 'expects an array and a chunk size > 0');
    const out: unknown[][] = [];
    for (let i = 0; i < (a as unknown[]).length; i += n as number)
      out.push((a as unknown[]).slice(i, i + (n as number)));
    return out;
  },
  'States.ArrayContains': ([a, v]) => {
    expect(Array.isArray(a), 0, 'States.ArrayContains', 'the first argument must be an array');
    return (a as unknown[]).some((x) => JSON.stringify(x) === JSON.stringify(v));
  },
  'States.ArrayRange': ([from, to, step]) => {
    expect(isInt(from) && isInt(to) && isInt(step) && step !== 0, 0, 'States.ArrayRange', 'expects integers, step ≠ 0');
    const out = integerRange(from as number, to as number, step as number);
    return expect(out !== undefined, out, 'States.ArrayRange', `the range has more than ${MAX_RANGE_ITEMS} items`);
  },
  'States.ArrayGetItem': ([a, i]) => {
    expect(Array.isArray(a) && isInt(i) && i >= 0, 0, 'States.ArrayGetItem', 'expects an array and an index >= 0');
    return expect(
      (i as number) < (a as unknown[]).length,
      (a as unknown[])[i as number],
      'States.ArrayGetItem',
      'index out of range',
    );
  },
  'States.ArrayLength': ([a]) =>
    expect(Array.isArray(a), (a as unknown[]).length, 'States.ArrayLength', 'not an array'),
  'States.ArrayUnique': ([a]) => {
    expect(Array.isArray(a), 0, 'States.ArrayUnique', 'the argument must be an array');
    const seen = new Set<string>();
    return (a as unknown[]).filter((x) => {
      const key = JSON.stringify(x);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  },
  'States.Base64Encode': ([s]) => {
    expect(typeof s === 'string', 0, 'States.Base64Encode', 'the argument must be a string');
    return Buffer.from(s as string, 'utf8').toString('base64');
  },
  'States.Base64Decode': ([s]) => {
    expect(typeof s === 'string', 0, 'States.Base64Decode', 'the argument must be a string');
    return Buffer.from(s as string, 'base64').toString('utf8');
  },
  'States.Hash': ([data, algorithm]) => {
    try {
      return hashText(data, algorithm);
    } catch (err) {
      throw failure('States.Hash', (err as Error).message);
    }
  },
  'States.JsonMerge': ([a, b, deep]) => {
    expect(isObject(a) && isObject(b), 0, 'States.JsonMerge', 'expects two objects');
    expect(deep === false, 0, 'States.JsonMerge', 'deep merging is not supported; the third argument must be false');
    return { ...(a as object), ...(b as object) };
  },
  'States.MathRandom': ([start, end, seed]) => {
    expect(isInt(start) && isInt(end), 0, 'States.MathRandom', 'expects integers');
    const r = seed === undefined ? Math.random() : seededRandom(Number(seed));
    return (start as number) + Math.floor(r * ((end as number) - (start as number)));
  },
  'States.MathAdd': ([a, b]) => {
    // AWS takes the integer part of a number with a fraction (recorded: MathAdd(59, 4.3) is 63).
    expect(typeof a === 'number' && typeof b === 'number', 0, 'States.MathAdd', 'expects numbers');
    return Math.trunc(a as number) + Math.trunc(b as number);
  },
  'States.StringSplit': ([s, sep]) => {
    expect(typeof s === 'string' && typeof sep === 'string', 0, 'States.StringSplit', 'expects two strings');
    // AWS splits on any of the separator's characters and drops empty pieces.
    const chars = [...(sep as string)];
    const pieces: string[] = [];
    let current = '';
    for (const ch of s as string) {
      if (chars.includes(ch)) {
        if (current) pieces.push(current);
        current = '';
      } else current += ch;
    }
    if (current) pieces.push(current);
    return pieces;
  },
  'States.UUID': () => randomUUID(),
};

function isObject(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The hex digest of a value (a string as its UTF-8, anything else as its JSON text).
 * @throws Error naming the algorithms AWS accepts.
 */
export function hashText(data: unknown, algorithm: unknown): string {
  const alg = HASHES[String(algorithm)];
  if (alg === undefined) throw new Error(`algorithm must be one of ${Object.keys(HASHES).join(', ')}`);
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return createHash(alg).update(text, 'utf8').digest('hex');
}

/** A repeatable number in [0, 1) for a seed (mulberry32): AWS documents only that a seed repeats. */
export function seededRandom(seed: number): number {
  let t = (seed + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

class Parser {
  private i = 0;
  constructor(private readonly text: string) {}

  call(): Arg {
    const m = /^States\.[A-Za-z0-9]+/.exec(this.text.slice(this.i));
    if (!m) this.fail('a States.* function');
    const name = (m as RegExpExecArray)[0];
    this.i += name.length;
    this.eat('(');
    const args: Arg[] = [];
    this.space();
    if (this.peek() !== ')') {
      for (;;) {
        args.push(this.arg());
        this.space();
        if (this.peek() === ',') {
          this.i++;
          continue;
        }
        break;
      }
    }
    this.eat(')');
    return { kind: 'call', name, args };
  }

  end(): void {
    this.space();
    if (this.i !== this.text.length) this.fail('the end of the call');
  }

  private arg(): Arg {
    this.space();
    const rest = this.text.slice(this.i);
    if (rest.startsWith("'")) return { kind: 'literal', value: this.string() };
    if (rest.startsWith('States.')) return this.call();
    if (rest.startsWith('$')) return { kind: 'path', path: this.path() };
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(rest);
    if (!m) this.fail('an argument');
    this.i += (m as RegExpExecArray)[0].length;
    return { kind: 'literal', value: JSON.parse((m as RegExpExecArray)[0]) };
  }

  private string(): string {
    this.i++;
    let out = '';
    while (this.i < this.text.length) {
      const ch = this.text[this.i++] as string;
      if (ch === '\\') out += this.text[this.i++] ?? '';
      else if (ch === "'") return out;
      else out += ch;
    }
    return this.fail('a closing quote');
  }

  // A path runs to the next top-level ',' or ')' (brackets and quotes may contain either).
  private path(): string {
    const start = this.i;
    let depth = 0;
    let quote: string | undefined;
    while (this.i < this.text.length) {
      const ch = this.text[this.i] as string;
      if (quote) {
        if (ch === quote) quote = undefined;
      } else if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '[' || ch === '(') depth++;
      else if (ch === ']' || (ch === ')' && depth > 0)) depth--;
      else if ((ch === ',' || ch === ')') && depth === 0) break;
      this.i++;
    }
    return this.text.slice(start, this.i).trim();
  }

  private space(): void {
    while (this.text[this.i] === ' ') this.i++;
  }

  private peek(): string | undefined {
    return this.text[this.i];
  }

  private eat(ch: string): void {
    this.space();
    if (this.text[this.i] !== ch) this.fail(`'${ch}'`);
    this.i++;
  }

  private fail(what: string): never {
    throw new ProcessingError(
      'States.Runtime',
      `Invalid intrinsic function call '${this.text}': expected ${what} at ${this.i}`,
    );
  }
}
