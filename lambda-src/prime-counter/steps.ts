/**
 * The prime counter's three steps, each a plain function behind its own Lambda: split a range into
 * chunks, count the primes of one chunk (a Map state runs one invocation per chunk, in parallel), and
 * add the counts up. Because every step is its own invocation, the job as a whole may run far longer
 * than Lambda's 15 minutes; only one chunk has to fit in one invocation.
 */
import { describeValue, isPlainObject } from '../shared/describe-value';
import { PrimeCounterError, PrimeCounterErrors } from './errors';

/** Largest `to` accepted: well inside exact integer arithmetic. */
export const MAX_TO = 1_000_000_000;
/** Most chunks one execution may have: keeps the Map state's input far below Step Functions' 256 KiB. */
export const MAX_CHUNKS = 1_000;
/** Largest chunk: one chunk must be counted well within its function's timeout. */
export const MAX_CHUNK_SIZE = 1_000_000;
/** Chunk size when the input names none. */
export const DEFAULT_CHUNK_SIZE = 10_000;

/** The execution input: count the primes in [from, to], `chunkSize` numbers per invocation. */
export interface PrimeCounterInput {
  readonly from: number;
  readonly to: number;
  readonly chunkSize?: number;
}

/** One chunk of the range, the unit of parallel work. */
export interface Chunk {
  readonly from: number;
  readonly to: number;
}

/** A counted chunk. */
export interface ChunkCount extends Chunk {
  readonly primes: number;
}

/** The split step's output, which the Map state iterates over (`$.chunks`). */
export interface SplitResult {
  readonly from: number;
  readonly to: number;
  readonly chunks: readonly Chunk[];
}

/** The execution's output. */
export interface PrimeCounterResult {
  readonly from: number;
  readonly to: number;
  readonly primes: number;
  readonly chunks: number;
}

const invalid = (message: string) => new PrimeCounterError(PrimeCounterErrors.InvalidInput, message);
const isWhole = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/** Checks the execution input and cuts the range into chunks. */
export function split(event: unknown): SplitResult {
  if (!isPlainObject(event))
    throw invalid(`input must be a JSON object such as {"from": 1, "to": 100000}; got ${describeValue(event)}`);
  const { from, to, chunkSize = DEFAULT_CHUNK_SIZE } = event;
  if (!isWhole(from, 0, MAX_TO))
    throw invalid(`from must be a whole number from 0 to ${MAX_TO}; got ${describeValue(from)}`);
  if (!isWhole(to, from, MAX_TO))
    throw invalid(`to must be a whole number from "from" (${from}) to ${MAX_TO}; got ${describeValue(to)}`);
  if (!isWhole(chunkSize, 1, MAX_CHUNK_SIZE))
    throw invalid(`chunkSize must be a whole number from 1 to ${MAX_CHUNK_SIZE}; got ${describeValue(chunkSize)}`);
  const count = Math.ceil((to - from + 1) / chunkSize);
  if (count > MAX_CHUNKS)
    throw invalid(`the range makes ${count} chunks of ${chunkSize}; at most ${MAX_CHUNKS}: raise chunkSize`);
  const chunks: Chunk[] = [];
  for (let start = from; start <= to; start += chunkSize)
    chunks.push({ from: start, to: Math.min(to, start + chunkSize - 1) });
  return { from, to, chunks };
}

/** Counts the primes of one chunk (trial division by odd numbers: simple, and fast enough per chunk). */
export function countChunk(event: unknown): ChunkCount {
  if (
    !isPlainObject(event) ||
    !isWhole(event.from, 0, MAX_TO) ||
    !isWhole(event.to, event.from, MAX_TO) ||
    event.to - event.from >= MAX_CHUNK_SIZE
  ) {
    throw invalid(
      `a chunk must be {"from": n, "to": m} with 0 <= n <= m <= ${MAX_TO} and at most ${MAX_CHUNK_SIZE} numbers; got ${describeValue(event)}`,
    );
  }
  let primes = 0;
  for (let n = event.from; n <= event.to; n++) if (isPrime(n)) primes++;
  return { from: event.from, to: event.to, primes };
}

/** Adds the chunks' counts up; the input is the split result with the Map's output in `counts`. */
export function sum(event: unknown): PrimeCounterResult {
  if (
    !isPlainObject(event) ||
    !Array.isArray(event.counts) ||
    typeof event.from !== 'number' ||
    typeof event.to !== 'number'
  ) {
    throw invalid(`the sum step needs {"from", "to", "counts": [...]}; got ${describeValue(event)}`);
  }
  const counts = event.counts as unknown[];
  const primes = counts.reduce<number>(
    (total, c) => total + (isPlainObject(c) && typeof c.primes === 'number' ? c.primes : Number.NaN),
    0,
  );
  if (!Number.isFinite(primes)) throw invalid(`every count must be {"primes": n}; got ${describeValue(counts)}`);
  return { from: event.from, to: event.to, primes, chunks: counts.length };
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}
