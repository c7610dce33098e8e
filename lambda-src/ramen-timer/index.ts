/**
 * Lambda entry point of the ramen timer (the Step Functions worker). Reads its configuration once, at
 * cold start, so a missing or bad `RAMEN_TIMER_SECONDS` fails the first invocation with a clear message.
 *
 * Import constants from `./errors` and `./handler`, never from here: importing this file reads the
 * environment and throws when the variable is unset.
 */
import { parseRamenTimerConfig } from './config';
import { createHandler } from './handler';

const config = parseRamenTimerConfig(process.env);

/** The Lambda handler: waits, then returns `{ message: RAMEN_BOILED_MESSAGE }`. */
export const handler = createHandler({ defaultSeconds: config.defaultSeconds });
