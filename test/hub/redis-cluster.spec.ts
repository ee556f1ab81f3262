import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Cluster, Redis } from 'ioredis';
import {
  ChannelCompletedError,
  EventHub,
  RedisEventStore,
  type ServerSentEvent,
} from 'nestjs-event-stream';
import { eventually, nextEvents } from '../support/hub-events.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { RedisCluster, until } from '../support/redis-cluster.js';
import { redisAvailable, type RedisServer } from '../support/redis-server.js';

const run = redisAvailable() ? describe : describe.skip;

/** Channels enough to land on every master (16384 slots in three ranges). */
const CHANNELS = Array.from({ length: 30 }, (_, i) => `room-${i}`);

run('RedisEventStore on a three-master Redis Cluster', () => {
  let cluster: RedisCluster;
  let prefix = 0;
  const clients: Cluster[] = [];
  const hubs: EventHub[] = [];
  /** An app instance: its own Cluster client, store and hub, on the test's key prefix. */
  const instance = (expireAfter?: number) => {
    const client = new Cluster(cluster.startupNodes);
    clients.push(client);
    const store = new RedisEventStore({
      client,
      keyPrefix: `cluster${prefix}:`,
      historySize: 5000,
      expireAfter,
    });
    const hub = new EventHub({ hub: { store } });
    hubs.push(hub);
    return { hub, store };
  };
  const onNode = async <T>(url: string, command: (redis: Redis) => Promise<T>) => {
    const redis = new Redis(url);
    try {
      return await command(redis);
    } finally {
      redis.disconnect();
    }
  };

  beforeAll(async () => {
    // Moves log warnings (MOVED, the retries): kept from the test output.
    Logger.overrideLogger(new RecordingLogger());
    cluster = await RedisCluster.start();
  }, 30_000);
  afterEach(async () => {
    prefix++;
    await Promise.all(hubs.splice(0).map((hub) => hub.onApplicationShutdown()));
    for (const client of clients.splice(0)) client.disconnect();
  });
  afterAll(() => cluster?.stop());

  it('delivers on channels of every master, through one subscribing connection per master', async () => {
    const { hub } = instance();
    const markers = await Promise.all(CHANNELS.map((channel) => hub.publish(channel, 'marker')));
    const subscriptions = CHANNELS.map((channel, i) =>
      hub.subscribe(channel, { lastEventId: markers[i] })[Symbol.asyncIterator](),
    );
    const received = Promise.all(subscriptions.map((subscription) => nextEvents(subscription, 3)));
    for (let n = 1; n <= 3; n++)
      await Promise.all(CHANNELS.map((channel) => hub.publish(channel, `${channel} ${n}`)));
    expect((await received).map((events) => events.map((event) => event.data))).toEqual(
      CHANNELS.map((channel) => [1, 2, 3].map((n) => `${channel} ${n}`)),
    );
    const masters = await cluster.masters();
    const perMaster = await Promise.all(
      masters.map((master) =>
        onNode(master.url, async (redis) => ({
          channels: (await redis.call('PUBSUB', 'SHARDCHANNELS')) as string[],
          connections: String(await redis.call('CLIENT', 'LIST', 'TYPE', 'pubsub'))
            .trim()
            .split('\n')
            .filter(Boolean).length,
        })),
      ),
    );
    expect(perMaster.map(({ connections }) => connections)).toEqual([1, 1, 1]);
    expect(perMaster.every(({ channels }) => channels.length > 0)).toBe(true);
    expect(perMaster.flatMap(({ channels }) => channels).sort()).toEqual(
      CHANNELS.map((channel) => `cluster${prefix}:${channel}`).sort(),
    );
  });

  it('replays across two app instances, then goes live', async () => {
    const a = instance();
    const b = instance();
    const ids: string[] = [];
    for (let n = 1; n <= 5; n++) ids.push(await b.hub.publish('orders', n));
    const onA = a.hub.subscribe('orders', { lastEventId: ids[1] })[Symbol.asyncIterator]();
    expect((await nextEvents(onA, 3)).map((event) => event.data)).toEqual([3, 4, 5]);
    const live = onA.next();
    await b.hub.publish('orders', 6);
    expect(((await live).value as ServerSentEvent).data).toBe(6);
  });

  it('a completion on one instance ends the subscribers of another, on every master', async () => {
    const a = instance();
    const b = instance();
    const markers = await Promise.all(CHANNELS.map((channel) => b.hub.publish(channel, 'marker')));
    const subscriptions = CHANNELS.map((channel, i) =>
      a.hub.subscribe(channel, { lastEventId: markers[i] })[Symbol.asyncIterator](),
    );
    // Read to the end: the last event, then the completion, which ends each iteration.
    const received = Promise.all(
      subscriptions.map((subscription) => nextEvents(subscription, Infinity)),
    );
    await Promise.all(CHANNELS.map((channel) => b.hub.publish(channel, `${channel} last`)));
    await Promise.all(CHANNELS.map((channel) => b.hub.complete(channel)));
    expect((await received).map((events) => events.map((event) => event.data))).toEqual(
      CHANNELS.map((channel) => [`${channel} last`]),
    );
    await expect(a.hub.publish(CHANNELS[0], 'too late')).rejects.toThrow(ChannelCompletedError);
    expect(a.store.tailedChannelCount).toBe(0);
  });

  it('expireAfter: stream keys on every master carry the TTL, renewed by complete()', async () => {
    const { hub } = instance(60_000);
    await Promise.all(CHANNELS.map((channel) => hub.publish(channel, 'a')));
    const keys = CHANNELS.map((channel) => `cluster${prefix}:${channel}`);
    const masters = new Set(await Promise.all(keys.map((key) => cluster.masterOf(key))));
    expect(masters.size).toBe(3);
    const probe = new Cluster(cluster.startupNodes);
    clients.push(probe);
    const ttls = () => Promise.all(keys.map((key) => probe.pttl(key)));
    for (const ttl of await ttls()) expect(ttl).toBeGreaterThan(50_000);
    await Promise.all(keys.map((key) => probe.pexpire(key, 5000)));
    await Promise.all(CHANNELS.map((channel) => hub.complete(channel)));
    for (const ttl of await ttls()) expect(ttl).toBeGreaterThan(50_000);
  });

  /**
   * Publishes rounds of one event per channel while `disrupt` runs, and ten rounds after;
   * then every event whose publish resolved must be delivered (in order, once) and
   * replayable, and `movedTo()` (a node, and the shard channel to find there, else any)
   * must hold the subscriptions of the slots it took over.
   */
  async function publishThrough(
    disrupt: () => Promise<void>,
    movedTo: () => { url: string; key?: string },
  ) {
    const subscriber = instance();
    const publisher = instance();
    const markers = await Promise.all(
      CHANNELS.map((channel) => publisher.hub.publish(channel, 'marker')),
    );
    const received = CHANNELS.map(() => [] as number[]);
    const subscriptions = CHANNELS.map((channel, i) =>
      subscriber.hub.subscribe(channel, { lastEventId: markers[i] })[Symbol.asyncIterator](),
    );
    const reading = subscriptions.map(async (subscription, i) => {
      for await (const event of { [Symbol.asyncIterator]: () => subscription })
        received[i].push(event.data as number);
    });
    const acknowledged = CHANNELS.map(() => [] as number[]);
    let disrupted = false;
    const disruption = disrupt().then(() => (disrupted = true));
    for (let round = 1, after = 0; after < 10; round++) {
      const results = await Promise.allSettled(
        CHANNELS.map((channel) => publisher.hub.publish(channel, round)),
      );
      results.forEach((result, i) => {
        if (result.status === 'fulfilled') acknowledged[i].push(round);
      });
      if (disrupted) after++;
    }
    await disruption;
    await until('the subscriptions moving', async () => {
      const { url, key } = movedTo();
      const channels = (await onNode(url, (redis) =>
        redis.call('PUBSUB', 'SHARDCHANNELS'),
      )) as string[];
      return key ? channels.includes(key) : channels.length > 0;
    });
    await eventually(
      () => received.every((got, i) => acknowledged[i].every((n) => got.includes(n))),
      'every acknowledged event delivered',
    );
    received.forEach((got) => {
      // In order, none twice (an event whose publish failed may still have been stored).
      expect(got).toEqual([...new Set(got)].sort((x, y) => x - y));
    });
    const replayed = await Promise.all(
      CHANNELS.map((channel, i) => subscriber.store.readAfter(channel, markers[i])),
    );
    replayed.forEach(({ events, lost }, i) => {
      expect(lost).toBe(false);
      const data = events.map((event) => event.data as number);
      expect(acknowledged[i].every((n) => data.includes(n))).toBe(true);
    });
    expect(acknowledged.flat().length).toBeGreaterThan(CHANNELS.length * 10);
    for (const subscription of subscriptions) await subscription.return!();
    await Promise.all(reading);
  }

  it('a master failed over while publishing loses no acknowledged event, live or replayed', async () => {
    let promoted!: RedisServer;
    await publishThrough(
      async () => void (promoted = await cluster.failover((await cluster.masters())[0])),
      () => ({ url: promoted.url }),
    );
  }, 45_000);

  it('a slot moved to another master while publishing loses no acknowledged event', async () => {
    const key = `cluster${prefix}:${CHANNELS[0]}`;
    const from = await cluster.masterOf(key);
    const to = (await cluster.masters()).find((master) => master !== from)!;
    await publishThrough(
      () => cluster.moveSlot(key, to),
      () => ({ url: to.url, key }),
    );
  }, 45_000);
});
