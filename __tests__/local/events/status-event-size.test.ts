/**
 * What a Step Functions status-change event carries of an execution's input or output: up to 248 KiB
 * of UTF-8, above that `null` (docs/aws-behaviour.md §11.2). Counted in bytes, with multi-byte text.
 */
import { inStatusEvent, STATUS_EVENT_DATA_MAX_BYTES } from '../../../local/events/webhooks';

describe('inStatusEvent', () => {
  it.each([
    ['ASCII', 'x', 1],
    ['two-byte characters', 'é', 2],
    ['four-byte characters', '😀', 4],
  ])('keeps exactly 248 KiB of %s and drops one byte more', (_label, char, size) => {
    const count = Math.floor(STATUS_EVENT_DATA_MAX_BYTES / size);
    const exact = char.repeat(count) + 'x'.repeat(STATUS_EVENT_DATA_MAX_BYTES - count * size);

    expect(Buffer.byteLength(exact)).toBe(253_952);
    expect(inStatusEvent(exact)).toBe(exact);
    expect(inStatusEvent(`${exact}x`)).toBeNull();
  });

  it('passes null through', () => {
    expect(inStatusEvent(null)).toBeNull();
  });
});
