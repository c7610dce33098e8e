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
 *
 * The answer is never serialised whole to measure it (at 6 MB that took most of a page's CPU): JSON
 * escapes character by character and UTF-8 counts bytes the same way, so the answer's bytes are the
 * bytes of its other members (`body(n)` with no events) plus each event's own escaped bytes and a
 * comma between events. JSON.stringify writes a lone surrogate as `\uXXXX`, so no event's text can
 * pair with a neighbour's.
 */
export function fitEvents(
  events: readonly HistoryEvent[],
  body: (count: number) => Omit<HistoryBody, 'events'>,
  maxBytes: number,
): { readonly body: HistoryBody; readonly count: number } {
  const answer = (n: number): HistoryBody => ({ events: events.slice(0, n), ...body(n) });
  // eventBytes[n]: the first n events in the answer, commas included; filled as far as asked.
  const eventBytes = [0];
  const eventsUpTo = (n: number): number => {
    for (let i = eventBytes.length - 1; i < n; i++) {
      eventBytes.push(eventBytes[i]! + bytesInResponse(JSON.stringify(events[i])) + (i > 0 ? 1 : 0));
    }
    return eventBytes[n]!;
  };
  const bytes = (n: number): number => responseBytes(jsonResponse(200, { events: [], ...body(n) })) + eventsUpTo(n);
  // Estimate with the token of an empty page, then settle on each count's own token, whose length may differ.
  const withoutEvents = bytes(0);
  let count = 0;
  while (count < events.length && withoutEvents + eventsUpTo(count + 1) <= maxBytes) count++;
  while (count < events.length && bytes(count + 1) <= maxBytes) count++;
  while (count > 0 && bytes(count) > maxBytes) count--;
  if (count > 0 || events.length === 0) return { body: answer(count), count };
  return { body: { ...answer(1), events: [withoutData(events[0]!)], executionDataOmitted: true }, count: 1 };
}

/**
 * Bytes that `json`, a JSON text, takes in the response once the body holding it is escaped again as
 * a JSON string: its UTF-8 bytes plus a backslash before each quote and backslash. Nothing else in it
 * is escaped a second time: JSON.stringify has already written control characters and lone surrogates
 * as ASCII escapes (whose backslash is counted). One serialisation per event instead of two.
 */
export function bytesInResponse(json: string): number {
  return Buffer.byteLength(json) + (json.match(/["\\]/g)?.length ?? 0);
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
