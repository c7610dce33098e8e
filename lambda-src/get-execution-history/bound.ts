import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { jsonResponse, responseBytes } from '../shared/http';

/** One answer of the history route before it is sent. */
export interface HistoryBody {
  readonly events: readonly HistoryEvent[];
  readonly nextToken: string | null;
  /** Present (true) when an event too large to be sent alone was sent without its data. */
  readonly executionDataOmitted?: true;
}

/**
 * The longest prefix of `events` whose answer fits in `maxBytes` once Lambda serialises the response
 * (the body is JSON inside the response's JSON, so every character is counted as escaped twice).
 * `body(n)` builds the answer for the first `n` events; its token may depend on `n`. When not even one
 * event fits, the first is sent with its data left out and the answer says so.
 */
export function fitEvents(
  events: readonly HistoryEvent[],
  body: (count: number) => Omit<HistoryBody, 'events'>,
  maxBytes: number,
): { readonly body: HistoryBody; readonly count: number } {
  const answer = (n: number): HistoryBody => ({ events: events.slice(0, n), ...body(n) });
  const fits = (n: number) => responseBytes(jsonResponse(200, answer(n))) <= maxBytes;
  // Estimate from each event's cost (its double-escaped JSON, and a comma after the first) with the
  // token of a full page, then settle on the real answer, whose token may differ in length.
  const empty = responseBytes(jsonResponse(200, []));
  let total = responseBytes(jsonResponse(200, answer(0)));
  let count = 0;
  for (const event of events) {
    const cost = responseBytes(jsonResponse(200, [event])) - empty + (count > 0 ? 1 : 0);
    if (total + cost > maxBytes) break;
    total += cost;
    count++;
  }
  while (count < events.length && fits(count + 1)) count++;
  while (count > 0 && !fits(count)) count--;
  if (count > 0 || events.length === 0) return { body: answer(count), count };
  return { body: { ...answer(1), events: [withoutData(events[0]!)], executionDataOmitted: true }, count: 1 };
}

// Every `...EventDetails` member larger than 1 KiB (input, output, parameters, variables) is left out.
function withoutData(event: HistoryEvent): HistoryEvent {
  const copy: Record<string, unknown> = { ...event };
  for (const [key, value] of Object.entries(copy)) {
    if (!key.endsWith('EventDetails') || typeof value !== 'object' || value === null) continue;
    copy[key] = Object.fromEntries(
      Object.entries(value).filter(([, v]) => Buffer.byteLength(JSON.stringify(v) ?? '') <= 1024),
    );
  }
  return copy as unknown as HistoryEvent;
}
