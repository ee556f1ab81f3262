import { describe, expect, it, jest } from '@jest/globals';
import { ChannelSubscription, COMPLETION } from '../../lib/hub/channel-subscription.js';
import { PUSH_EVENTS } from '../../lib/source/push-source.js';
import { ServerSentEvent } from '../../lib/sse/server-sent-event.js';

const event = (n: number) => new ServerSentEvent({ id: `1-${n}`, data: n });
const ids = async (subscription: ChannelSubscription, count: number) => {
  const out: Array<string | undefined> = [];
  for (let i = 0; i < count; i++) out.push((await subscription.next()).value?.id);
  return out;
};

describe('ChannelSubscription (holding → live → ended)', () => {
  it('holds live events during the replay, then drops those the replay gave', async () => {
    const subscription = new ChannelSubscription('c', 10, jest.fn());
    subscription.receive('1-2', event(2)); // arrives while the history is read
    subscription.receive('1-3', event(3));
    subscription.push(event(1));
    subscription.push(event(2)); // the replay
    subscription.goLive('1-2');
    expect(await ids(subscription, 3)).toEqual(['1-1', '1-2', '1-3']);
  });

  it('ends a subscriber that falls maxQueued behind, once, and tells the hub', async () => {
    const onEnd = jest.fn();
    const subscription = new ChannelSubscription('c', 2, onEnd);
    subscription.goLive(undefined);
    for (const n of [1, 2, 3, 4]) subscription.receive(`1-${n}`, event(n));
    expect(onEnd).toHaveBeenCalledTimes(1);
    expect(await ids(subscription, 2)).toEqual(['1-1', '1-2']);
    expect((await subscription.next()).done).toBe(true);
  });

  it('return() frees it at once, even with a pending next()', async () => {
    const onEnd = jest.fn();
    const subscription = new ChannelSubscription('c', 10, onEnd);
    subscription.goLive(undefined);
    const pending = subscription.next();
    await subscription.return();
    expect((await pending).done).toBe(true);
    expect(onEnd).toHaveBeenCalledWith(subscription);
    expect(subscription.isEnded).toBe(true);
  });

  it('a completion ends it after what came before', async () => {
    const subscription = new ChannelSubscription('c', 10, jest.fn());
    subscription.goLive(undefined);
    subscription.receive('1-1', event(1));
    subscription.receive('1-2', COMPLETION);
    expect(await ids(subscription, 1)).toEqual(['1-1']);
    expect((await subscription.next()).done).toBe(true);
  });

  it('fail() rejects the next read once the queue is read', async () => {
    const subscription = new ChannelSubscription('c', 10, jest.fn());
    subscription.goLive(undefined);
    subscription.receive('1-1', event(1));
    subscription.fail(new Error('store down'));
    expect(await ids(subscription, 1)).toEqual(['1-1']);
    await expect(subscription.next()).rejects.toThrow('store down');
  });

  it('pushes to a consumer until it refuses, then wakes it to pull', async () => {
    const subscription = new ChannelSubscription('c', 10, jest.fn());
    subscription.goLive(undefined);
    const sunk: Array<string | undefined> = [];
    const wake = jest.fn();
    subscription[PUSH_EVENTS]({
      accept: (pushed) => (sunk.push(pushed.id), sunk.length < 2),
      wake,
    });
    subscription.receive('1-1', event(1));
    expect(wake).not.toHaveBeenCalled();
    subscription.receive('1-2', event(2)); // refused: the socket is full
    expect(wake).toHaveBeenCalledTimes(1);
    subscription.receive('1-3', event(3)); // queued for next()
    expect(sunk).toEqual(['1-1', '1-2']);
    expect(await ids(subscription, 1)).toEqual(['1-3']);
  });

  it('wakes a consumer at once when events are queued or it has ended', () => {
    const subscription = new ChannelSubscription('c', 10, jest.fn());
    subscription.goLive(undefined);
    subscription.receive('1-1', event(1));
    const wake = jest.fn();
    subscription[PUSH_EVENTS]({ accept: () => true, wake });
    expect(wake).toHaveBeenCalledTimes(1);
  });
});
