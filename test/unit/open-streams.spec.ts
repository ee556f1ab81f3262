import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { OpenStreams } from '../../lib/stream/open-streams.js';

function streams(count: number) {
  const open = new OpenStreams();
  const endedAt: number[] = [];
  for (let index = 0; index < count; index++) {
    open.add({ shutdown: () => (endedAt[index] = Date.now()) });
  }
  return { open, endedAt };
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
    const { open, endedAt } = streams(3);
    await open.end(0);
    expect(endedAt).toEqual([0, 0, 0]);
  });

  it('spreads the ends evenly over the drain, the first at once', async () => {
    const { open, endedAt } = streams(4);
    const ended = open.end(1000);
    await jest.advanceTimersByTimeAsync(1000);
    await ended;
    expect(endedAt).toEqual([0, 250, 500, 750]);
  });

  it('keeps to its schedule when the event loop wakes it late: the ends that are due go at once', async () => {
    const { open, endedAt } = streams(10);
    const ended = open.end(1000);
    await settle();
    expect(endedAt).toEqual([0]);
    // A busy loop: 550 ms pass before the 100 ms sleep comes back.
    jest.setSystemTime(550);
    await jest.advanceTimersByTimeAsync(100);
    expect(endedAt.slice(1, 7)).toEqual([650, 650, 650, 650, 650, 650]);
    await jest.advanceTimersByTimeAsync(400);
    await ended;
    expect(endedAt.slice(7)).toEqual([700, 800, 900]);
  });

  it('is closing from the moment the ends begin', async () => {
    const { open } = streams(0);
    expect(open.closing).toBe(false);
    await open.end(1000);
    expect(open.closing).toBe(true);
  });
});
