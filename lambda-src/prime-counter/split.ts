/** Lambda entry of the prime counter's first step: validate the input and cut the range into chunks. */
import { split } from './steps';

/** The handler (async, as nodejs24.x requires). */
export const handler = async (event: unknown) => split(event);
