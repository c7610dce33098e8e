import { setImmediate as nextTurn } from 'node:timers/promises';
import { Outbox } from '../../../local/lambda/ipc';

describe('Outbox', () => {
  it('sends what one turn of the event loop posts in one batch, in order, and a lone message as itself', async () => {
    // Prepare
    const sent: unknown[] = [];
    const outbox = new Outbox<number>((batch) => sent.push(batch));

    // Act
    outbox.post(1);
    outbox.post(2);
    outbox.post(3);
    const beforeTheTurnEnds = sent.length;
    await nextTurn();
    outbox.post(4);
    await nextTurn();

    // Assess
    expect(beforeTheTurnEnds).toBe(0);
    expect(sent).toEqual([[1, 2, 3], 4]);
  });

  it('sends nothing when nothing was posted', async () => {
    // Prepare
    const send = jest.fn();
    new Outbox<number>(send);

    // Act
    await nextTurn();

    // Assess
    expect(send).not.toHaveBeenCalled();
  });
});
