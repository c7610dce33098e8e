/** Lambda entry of the prime counter's last step: add the chunks' counts up. */
import { sum } from './steps';

/** The handler (async, as nodejs24.x requires). */
export const handler = async (event: unknown) => sum(event);
