/** Lambda entry of the prime counter's Map step: count the primes of one chunk. */
import { countChunk } from './steps';

/** The handler (async, as nodejs24.x requires). */
export const handler = async (event: unknown) => countChunk(event);
