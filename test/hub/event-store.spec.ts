import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import {
  EventHub,
  HISTORY_LOST_EVENT,
  MemoryEventStore,
  RedisEventStore,
  ServerSentEvent,
  type EventStore,
} from 'nestjs-event-stream';
import { RedisServer, redisAvailable } from '../support/redis-server.js';

interface StoreKind {
  name: string;
  /** A fresh store, its channels apart from every other test's. */
  create(options?: { historySize?: number }): EventStore;
  channelsHeld(store: EventStore): number;
}

let redis: RedisServer | undefined;
let prefix = 0;
const kinds: StoreKind[] = [
  {
    name: 'MemoryEventStore',
    create: (options) => new MemoryEventStore(options),
    channelsHeld: (store) => (store as MemoryEventStore).channelCount,
  },
];
if (redisAvailable()) {
  kinds.push({
    name: 'RedisEventStore',
    create: (options) =>
      new RedisEventStore({ url: redis!.url, keyPrefix: `test${++prefix}:`, ...options }),
    channelsHeld: (store) => (store as RedisEventStore).tailedChannelCount,
  });
}

beforeAll(async () => {
  if (kinds.length > 1) redis = await RedisServer.start();
});
afterAll(() => redis?.stop());

/** Reads `count` events (or until the iteration ends) from a subscription. */
async function take(
  iterator: AsyncIterator<ServerSentEvent>,
  count: number,
): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  while (events.length < count) {
    const step = await iterator.next();
    if (step.done) break;
    events.push(step.value);
  }
  return events;
}

const data = (events: ServerSentEvent[]) => events.map((event) => event.data);

describe.each(kinds)('EventHub on $name', (kind) => {
  const hubs: EventHub[] = [];
  const hubOn = (store: EventStore, maxQueuedEvents?: number) => {
    const hub = new EventHub({ hub: { store, maxQueuedEvents } });
    hubs.push(hub);
    return hub;
  };
  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((hub) => hub.onApplicationShutdown()));
  });

  it('delivers live events in order, each with a strictly increasing id from the store', async () => {
    const hub = hubOn(kind.create());
    const subscription = hub
      .subscribe('orders', { lastEventId: await hub.publish('orders', 'marker') })
      [Symbol.asyncIterator]();
    const ids = [];
    for (let i = 1; i <= 5; i++) ids.push(await hub.publish('orders', { n: i }));
    const events = await take(subscription, 5);
    expect(data(events)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }]);
    expect(events.map((e) => e.id)).toEqual(ids);
    expect(ids.every((id) => /^\d+-\d+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(5);
  });

  it('replays what came after lastEventId, then goes live', async () => {
    const hub = hubOn(kind.create());
    const ids = [];
    for (let i = 1; i <= 5; i++) ids.push(await hub.publish('room', i));
    const subscription = hub.subscribe('room', { lastEventId: ids[1] })[Symbol.asyncIterator]();
    expect(data(await take(subscription, 3))).toEqual([3, 4, 5]);
    const live = subscription.next();
    await hub.publish('room', 6);
    expect(((await live).value as ServerSentEvent).data).toBe(6);
  });

  it('without lastEventId, gives live events only', async () => {
    const hub = hubOn(kind.create());
    await hub.publish('news', 'old');
    const subscription = hub.subscribe('news')[Symbol.asyncIterator]();
    const next = subscription.next();
    // Joining is asynchronous: publish until the subscriber is live, then check that
    // it was never handed the event published before it subscribed.
    for (let i = 0; ; i++) {
      await hub.publish('news', `new ${i}`);
      const received = await Promise.race([
        next,
        hub.publish('news', 'tick').then(() => undefined),
      ]);
      if (received) {
        expect((received.value as ServerSentEvent).data).toMatch(/^(new \d+|tick)$/);
        break;
      }
    }
  });

  it('joins mid-way through 1,000 concurrent publishes with no gap and no duplicate', async () => {
    const hub = hubOn(kind.create({ historySize: 5000 }));
    const ids: string[] = [];
    let joined: Promise<ServerSentEvent[]> | undefined;
    const publishing = (async () => {
      for (let i = 1; i <= 1000; i++) {
        const publish = hub.publish('ticks', i);
        // Not awaited each time: publishes overlap the subscriber's join.
        if (i % 10 === 0) ids.push(await publish);
        if (i === 200)
          joined = take(
            hub.subscribe('ticks', { lastEventId: ids.at(-1) })[Symbol.asyncIterator](),
            800,
          );
      }
    })();
    await publishing;
    expect(data(await joined!)).toEqual(Array.from({ length: 800 }, (_, i) => i + 201));
  });

  it('signals lost history first, then sends what the history still has', async () => {
    const hub = hubOn(kind.create({ historySize: 10 }));
    const ids = [];
    for (let i = 1; i <= 40; i++) ids.push(await hub.publish('log', i));
    const subscription = hub.subscribe('log', { lastEventId: ids[4] })[Symbol.asyncIterator]();
    await hub.publish('log', 'END');
    const [lost, ...rest] = await takeUntilEnd(subscription);
    expect(lost).toMatchObject({ event: HISTORY_LOST_EVENT, data: { lastEventId: ids[4] } });
    expect(lost.id).toBeUndefined();
    // MAXLEN ~ keeps at least historySize (END among them); what is kept is an
    // unbroken tail.
    const kept = data(rest) as number[];
    expect(kept.length).toBeGreaterThanOrEqual(9);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 41 - kept.length + i));
    expect(kept[0]).toBeGreaterThan(6);
  });

  it.each([
    ['an id from elsewhere', '99999999999999-0'],
    ['a malformed id', 'not-an-id'],
    ['an empty id', ''],
  ])('treats %s as lost history', async (_what, lastEventId) => {
    const hub = hubOn(kind.create());
    await hub.publish('feed', 'a');
    const subscription = hub.subscribe('feed', { lastEventId })[Symbol.asyncIterator]();
    await hub.publish('feed', 'END');
    const events = await takeUntilEnd(subscription);
    expect(events.map((e) => [e.event, e.data])).toEqual([
      [HISTORY_LOST_EVENT, { lastEventId }],
      [undefined, 'a'],
    ]);
  });

  it('a lastEventId that is the newest one replays nothing and loses nothing', async () => {
    const hub = hubOn(kind.create());
    const id = await hub.publish('quiet', 'x');
    const subscription = hub.subscribe('quiet', { lastEventId: id })[Symbol.asyncIterator]();
    await hub.publish('quiet', 'y');
    expect(data(await take(subscription, 1))).toEqual(['y']);
  });

  it('keeps the fields of a published ServerSentEvent, with the id the store gives', async () => {
    const hub = hubOn(kind.create());
    const marker = await hub.publish('chat', 'marker');
    await hub.publish(
      'chat',
      new ServerSentEvent({ event: 'token', id: 'ignored', comment: 'c', data: { t: 'hi' } }),
    );
    const id = await hub.publish('chat', new ServerSentEvent({ rawData: '[DONE]' }));
    const events = await take(
      hub.subscribe('chat', { lastEventId: marker })[Symbol.asyncIterator](),
      2,
    );
    expect(events).toEqual([
      expect.objectContaining({ event: 'token', comment: 'c', data: { t: 'hi' } }),
      expect.objectContaining({ rawData: '[DONE]', id }),
    ]);
    expect(events[0].id).not.toBe('ignored');
  });

  it('ends a slow subscriber past its bound without delaying a fast one', async () => {
    const hub = hubOn(kind.create(), 10);
    const marker = await hub.publish('firehose', 0);
    const slow = hub.subscribe('firehose', { lastEventId: marker })[Symbol.asyncIterator]();
    const fast = hub.subscribe('firehose', { lastEventId: marker })[Symbol.asyncIterator]();
    const fastEvents = take(fast, 50);
    for (let i = 1; i <= 50; i++) await hub.publish('firehose', i);
    expect(data(await fastEvents)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // The slow one never read: it holds its bound of 10, then its iteration ends.
    expect(data(await take(slow, 100))).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(await slow.next()).toEqual({ value: undefined, done: true });
    expect(hub.subscriberCount).toBe(1);
  });

  it('return() and an aborted signal free the subscription and the channel at once', async () => {
    const store = kind.create();
    const hub = hubOn(store);
    const controller = new AbortController();
    const byReturn = hub.subscribe('idle')[Symbol.asyncIterator]();
    const bySignal = hub.subscribe('idle', { signal: controller.signal })[Symbol.asyncIterator]();
    const parked = [byReturn.next(), bySignal.next()];
    await waitFor(() => hub.subscriberCount === 2 && kind.channelsHeld(store) === 1);
    await byReturn.return!();
    controller.abort();
    expect(await Promise.all(parked)).toEqual([
      { value: undefined, done: true },
      { value: undefined, done: true },
    ]);
    expect(hub.subscriberCount).toBe(0);
    await waitFor(() => kind.channelsHeld(store) === 0);
  });

  it('refuses a bad channel name', () => {
    const hub = hubOn(kind.create());
    for (const channel of ['', 'has space', 'a\nb', 'x'.repeat(201), 42]) {
      expect(() => hub.subscribe(channel as string)).toThrow(
        /^EventHub: a channel name is 1 to 200 letters/,
      );
      expect(() => hub.publish(channel as string, 1)).toThrow(TypeError);
    }
  });
});

describe('RedisEventStore', () => {
  const redisOnly = kinds.length > 1 ? it : it.skip;

  redisOnly('reads every tailed channel through one blocking connection', async () => {
    const store = new RedisEventStore({ url: redis!.url, keyPrefix: 'multiplex:' });
    const hub = new EventHub({ hub: { store } });
    const markers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => hub.publish(`c${i}`, 'marker')),
    );
    const subscriptions = markers.map((lastEventId, i) =>
      hub.subscribe(`c${i}`, { lastEventId })[Symbol.asyncIterator](),
    );
    const firsts = subscriptions.map((subscription) => take(subscription, 1));
    await Promise.all(subscriptions.map((_, i) => hub.publish(`c${i}`, i)));
    expect((await Promise.all(firsts)).map((events) => events[0].data)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    expect(store.tailedChannelCount).toBe(50);
    const probe = new Redis(redis!.url);
    const probeId = await probe.client('ID');
    const others = String(await probe.client('LIST'))
      .trim()
      .split('\n')
      .filter((line) => !line.startsWith(`id=${probeId} `));
    // Only the store's two connections: commands, and the one for blocking reads.
    expect(others).toHaveLength(2);
    probe.disconnect();
    await hub.onApplicationShutdown();
  });

  redisOnly(
    'subscribers resume after a Redis restart, and nothing published after it is lost',
    async () => {
      const store = new RedisEventStore({ url: redis!.url, keyPrefix: 'restart:' });
      const hub = new EventHub({ hub: { store } });
      const subscription = hub
        .subscribe('orders', { lastEventId: await hub.publish('orders', 'marker') })
        [Symbol.asyncIterator]();
      await hub.publish('orders', 'before');
      expect(data(await take(subscription, 1))).toEqual(['before']);
      await redis!.restart();
      const after = take(subscription, 20);
      for (let i = 1; i <= 20; i++) await hub.publish('orders', i);
      expect(data(await after)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      await hub.onApplicationShutdown();
    },
    30_000,
  );

  it('rejects a bad historySize', () => {
    expect(() => new RedisEventStore({ historySize: 0 })).toThrow(
      'RedisEventStore: "historySize" must be a positive integer, got 0',
    );
    expect(() => new MemoryEventStore({ historySize: 1.5 })).toThrow(
      'MemoryEventStore: "historySize" must be a positive integer, got 1.5',
    );
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; !condition(); i++) {
    if (i > 100_000) throw new Error('condition not met');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Reads up to the event whose data is 'END' (published last by the test), without it. */
async function takeUntilEnd(iterator: AsyncIterator<ServerSentEvent>): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for (;;) {
    const step = await iterator.next();
    if (step.done || step.value.data === 'END') return events;
    events.push(step.value);
  }
}
