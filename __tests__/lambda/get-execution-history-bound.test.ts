/**
 * `POST /get-execution-history` never answers more than Lambda can return (6 MB): a page that would
 * is cut after the last event that fits, and the token continues after it, so nothing is lost.
 * Sizes are bytes of the response as Lambda serialises it, with multi-byte text.
 */
import {
  GetExecutionHistoryCommand,
  type GetExecutionHistoryCommandInput,
  type HistoryEvent,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { fitEvents } from '../../lambda-src/get-execution-history/bound';
import { createHandler } from '../../lambda-src/get-execution-history/handler';
import { jsonResponse, RESPONSE_MAX_BYTES, responseBytes } from '../../lambda-src/shared/http';
import { EXECUTION_ARN, httpEvent, STATE_MACHINE_ARN } from './fixtures';

const sfn = mockClient(SFNClient);
const AT = new Date('2026-12-01T10:00:00.000Z');
type Answer = { events: { id: number; [k: string]: unknown }[]; nextToken: string | null; executionDataOmitted?: true };

/** Events 1..n, event i carrying `data[i-1]` as its output; Step Functions pages them by `maxResults`. */
function serve(data: readonly string[]): void {
  const events: HistoryEvent[] = data.map((output, i) => ({
    id: i + 1,
    previousEventId: i,
    type: 'TaskStateExited',
    timestamp: AT,
    stateExitedEventDetails: { name: `S${i + 1}`, output },
  }));
  sfn.on(GetExecutionHistoryCommand).callsFake((input: GetExecutionHistoryCommandInput) => {
    const from = input.nextToken === undefined ? 0 : Number(input.nextToken);
    const ordered = input.reverseOrder ? [...events].reverse() : events;
    const page = ordered.slice(from, from + (input.maxResults ?? 100));
    const next = from + page.length < events.length ? String(from + page.length) : undefined;
    return Promise.resolve({ events: page, ...(next ? { nextToken: next } : {}) });
  });
}

const handler = createHandler({ client: new SFNClient({ region: 'eu-west-1' }), jobs: { ramen: STATE_MACHINE_ARN } });

async function call(body: Record<string, unknown>): Promise<{ bytes: number; answer: Answer }> {
  const response = await handler(httpEvent(JSON.stringify({ executionArn: EXECUTION_ARN, ...body })));
  expect(response.statusCode).toBe(200);
  return { bytes: Buffer.byteLength(JSON.stringify(response)), answer: JSON.parse(response.body) as Answer };
}

/** Pages through the whole history with `maxResults` 1000; returns each page's bytes and event ids. */
async function readAll(): Promise<{ bytes: number[]; ids: number[][] }> {
  const bytes: number[] = [];
  const ids: number[][] = [];
  let nextToken: string | null = null;
  do {
    const { bytes: b, answer } = await call({ maxResults: 1000, ...(nextToken ? { nextToken } : {}) });
    bytes.push(b);
    ids.push(answer.events.map((e) => e.id));
    nextToken = answer.nextToken;
  } while (nextToken !== null && ids.length < 100);
  return { bytes, ids };
}

/** Data of three events whose one-page answer is `RESPONSE_MAX_BYTES + over` bytes, mostly "€" (3 bytes, 1 character). */
async function threeEventsOf(over: number): Promise<string[]> {
  serve(['{}', '{}', '""']);
  const missing = RESPONSE_MAX_BYTES + over - (await call({ maxResults: 1000 })).bytes;
  // Neither character is escaped in JSON, so each adds its UTF-8 bytes exactly.
  return ['{}', '{}', `"${'€'.repeat(Math.floor(missing / 3))}${'a'.repeat(missing % 3)}"`];
}

beforeEach(() => {
  sfn.reset();
});

describe('the 6 MB bound', () => {
  it('sends a page of exactly RESPONSE_MAX_BYTES whole, with no token', async () => {
    // Prepare
    const data = await threeEventsOf(0);
    serve(data);

    // Act
    const { bytes, ids } = await readAll();

    // Assess: the limit is inclusive, and the answer counted in bytes, not characters.
    expect(bytes).toEqual([RESPONSE_MAX_BYTES]);
    expect(ids).toEqual([[1, 2, 3]]);
    expect(data[2]!.length).toBeLessThan(RESPONSE_MAX_BYTES / 2);
  });

  it('cuts a page one byte over after the last event that fits, and the token brings the rest', async () => {
    // Prepare
    serve(await threeEventsOf(1));

    // Act
    const { bytes, ids } = await readAll();

    // Assess
    expect(ids).toEqual([[1, 2], [3]]);
    for (const b of bytes) expect(b).toBeLessThanOrEqual(RESPONSE_MAX_BYTES);
  });

  it('answers 1,000 events of 8 KB in pages under the limit, each event once and in order', async () => {
    // Prepare: a data-heavy job's full page, 8 MB: two pages (Step Functions allows 256 KiB per event).
    const big = `"${'x'.repeat(8_000)}"`;
    serve(Array.from({ length: 1000 }, () => big));

    // Act
    const { bytes, ids } = await readAll();

    // Assess
    for (const b of bytes) expect(b).toBeLessThanOrEqual(RESPONSE_MAX_BYTES);
    expect(ids.flat()).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(ids[0]!.length).toBeGreaterThan(1);
    expect(ids.length).toBe(2);
  }, 60_000);

  it('pages newest first the same way', async () => {
    // Prepare: 7.2 MB of two-byte characters, two pages
    serve(Array.from({ length: 60 }, () => `"${'ü'.repeat(60_000)}"`));

    // Act
    const ids: number[] = [];
    let pages = 0;
    let nextToken: string | null = null;
    do {
      const { bytes, answer } = await call({ reverseOrder: true, ...(nextToken ? { nextToken } : {}) });
      pages += 1;
      expect(bytes).toBeLessThanOrEqual(RESPONSE_MAX_BYTES);
      ids.push(...answer.events.map((e) => e.id));
      nextToken = answer.nextToken;
    } while (nextToken !== null && ids.length < 100);

    // Assess
    expect(pages).toBe(2);
    expect(ids).toEqual(Array.from({ length: 60 }, (_, i) => 60 - i));
  });

  it('sends an event too large to go alone without its data, and says so', async () => {
    // Prepare: larger than Step Functions allows, so only a defence.
    serve(['{}', `"${'x'.repeat(RESPONSE_MAX_BYTES)}"`, '{}']);

    // Act
    const first = await call({ maxResults: 1000 });
    const second = await call({ maxResults: 1000, nextToken: first.answer.nextToken });
    const third = await call({ maxResults: 1000, nextToken: second.answer.nextToken });

    // Assess
    expect(first.answer.events.map((e) => e.id)).toEqual([1]);
    expect(second.answer).toMatchObject({
      events: [{ id: 2, stateExitedEventDetails: { name: 'S2' } }],
      executionDataOmitted: true,
    });
    expect(second.answer.events[0]!.stateExitedEventDetails).not.toHaveProperty('output');
    expect(third.answer).toMatchObject({ events: [{ id: 3 }], nextToken: null });
    expect(third.answer.executionDataOmitted).toBeUndefined();
  });
});

describe('sizing a page from its events', () => {
  it.each([
    ['quotes and backslashes', '{"path":"C:\\\\tmp\\"x\\""}'],
    ['control characters', '"tab\\t, bell \u0007, newline\n"'],
    ['lone surrogates', '"\ud800 and \udfff"'],
    ['emoji, € and line separators', '"😀 € \u2028 \u2029"'],
  ])('counts %s exactly: the whole page at its own size, one event fewer a byte under', (_label, output) => {
    // Prepare: five events with this output, and the bytes of the answer holding them all
    const events: HistoryEvent[] = Array.from({ length: 5 }, (_, i) => ({
      id: i + 1,
      previousEventId: i,
      type: 'TaskStateExited',
      timestamp: AT,
      stateExitedEventDetails: { name: `S${i + 1}`, output },
    }));
    const body = () => ({ nextToken: null });
    const size = responseBytes(jsonResponse(200, { events, nextToken: null }));

    // Act / Assess
    expect(fitEvents(events, body, size).count).toBe(5);
    expect(fitEvents(events, body, size - 1).count).toBe(4);
  });
});
