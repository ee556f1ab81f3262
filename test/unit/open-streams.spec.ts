import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { DRAIN_EVENT_WAIT, OpenStreams } from '../../lib/stream/open-streams.js';

/** Streams that never send an event: each ends when its wait for one is over. */
function streams(count: number) {
  const open = new OpenStreams();
  const endedAt: number[] = [];
  const turnAt: number[] = [];
  for (let index = 0; index < count; index++) {
    open.add({
      shutdown: () => (endedAt[index] ??= Date.now()),
      shutdownAfterNextEvent: () => (turnAt[index] = Date.now()),
    });
  }
  return { open, endedAt, turnAt };
}

// Lets the awaited sleeps of OpenStreams.end run their continuations.
const settle = () => jest.advanceTimersByTimeAsync(0);

describe('OpenStreams (how app.close() ends the streams)', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('without a drain, ends every stream at once', async () => {
    const { open, endedAt, turnAt } = streams(3);
    await open.end(0);
    expect(endedAt).toEqual([0, 0, 0]);
    expect(turnAt).toEqual([]);
  });

  it('spreads the turns evenly over the drain, the first at once; each ends after its next event', async () => {
    const { open, turnAt } = streams(4);
    const ended = open.end(1000);
    await jest.advanceTimersByTimeAsync(1000);
    await ended;
    expect(turnAt).toEqual([0, 250, 500, 750]);
  });

  it(`a stream without an event ends ${DRAIN_EVENT_WAIT} ms after its turn, and all within the window`, async () => {
    const { open, endedAt } = streams(10);
    let resolved = false;
    const ended = open.end(1000).then(() => (resolved = true));
    await jest.advanceTimersByTimeAsync(999);
    // Turns 100 ms apart; the last two have less than DRAIN_EVENT_WAIT left of the window.
    expect(endedAt).toEqual([250, 350, 450, 550, 650, 750, 850, 950]);
    expect(resolved).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await ended;
    expect(endedAt.slice(8)).toEqual([1000, 1000]);
  });

  it('keeps to its schedule when the event loop wakes it late: the turns that are due go at once', async () => {
    const { open, turnAt } = streams(10);
    const ended = open.end(1000);
    await settle();
    expect(turnAt).toEqual([0]);
    // A busy loop: 550 ms pass before the 100 ms sleep comes back.
    jest.setSystemTime(550);
    await jest.advanceTimersByTimeAsync(100);
    expect(turnAt.slice(1, 7)).toEqual([650, 650, 650, 650, 650, 650]);
    await jest.advanceTimersByTimeAsync(400);
    expect(turnAt.slice(7)).toEqual([700, 800, 900]);
    await jest.advanceTimersByTimeAsync(250);
    await ended;
  });

  it('is closing from the moment the ends begin', async () => {
    const { open } = streams(0);
    expect(open.closing).toBe(false);
    await open.end(1000);
    expect(open.closing).toBe(true);
  });
});
