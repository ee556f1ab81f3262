import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { setImmediate, setTimeout } from 'node:timers/promises';
import { ChannelCompletedError, EventHub, RedisEventStore } from 'nestjs-event-stream';
import { nextEvents } from '../support/hub-events.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { commandStats } from '../support/redis-cluster.js';
import { RedisServer, redisAvailable } from '../support/redis-server.js';

const run = redisAvailable() ? describe : describe.skip;

run('RedisEventStore live path on one Redis', () => {
  let redis: RedisServer;
  let admin: Redis;
  let prefix = 0;
  const logger = new RecordingLogger();
  const hubs: EventHub[] = [];
  const stores: RedisEventStore[] = [];
  /** Clients of the tests' own, disconnected after each. */
  const clients: Redis[] = [];
  const storeOn = (url = redis.url, keyPrefix = `live${++prefix}:`) => {
    const store = new RedisEventStore({ url, keyPrefix });
    stores.push(store);
    return store;
  };
  const hubOn = (store: RedisEventStore) => {
    const hub = new EventHub({ hub: { store } });
    hubs.push(hub);
    return hub;
  };
  const key = (channel: string) => `live${prefix}:${channel}`;
  /** Calls of `command` (executed, rejected or failed) so far. */
  const calls = async (command: string) => (await commandStats(redis.url))[command]?.calls ?? 0;
  /** Connections' set-up (the snapshots' own among them), not work of the store's. */
  const SETUP = new Set(['info', 'hello', 'client|setinfo']);
  /** Every command's calls made between two snapshots, set-up aside. */
  const callsBetween = (
    before: Record<string, { calls: number }>,
    after: Record<string, { calls: number }>,
  ) =>
    Object.fromEntries(
      Object.entries(after)
        .filter(([name, { calls }]) => !SETUP.has(name) && calls !== (before[name]?.calls ?? 0))
        .map(([name, { calls }]) => [name, calls - (before[name]?.calls ?? 0)]),
    );

  beforeAll(async () => {
    redis = await RedisServer.start();
    admin = new Redis(redis.url);
    Logger.overrideLogger(logger);
  });
  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((hub) => hub.onApplicationShutdown()));
    await Promise.all(stores.splice(0).map((store) => store.close()));
    for (const client of clients.splice(0)) client.disconnect();
    logger.entries.length = 0;
  });
  afterAll(async () => {
    admin?.disconnect();
    await redis?.stop();
  });

  it('opening a channel costs one SSUBSCRIBE and one XREVRANGE, however many are open', async () => {
    const store = storeOn();
    const ignore = () => undefined;
    let before = await commandStats(redis.url);
    await store.tail('first', ignore);
    const alone = callsBetween(before, await commandStats(redis.url));
    await Promise.all(Array.from({ length: 2000 }, (_, i) => store.tail(`user:${i}`, ignore)));
    before = await commandStats(redis.url);
    await store.tail('one-more', ignore);
    const among2000 = callsBetween(before, await commandStats(redis.url));
    expect(alone).toEqual({ ssubscribe: 1, xrevrange: 1 });
    expect(among2000).toEqual(alone);
    expect(store.tailedChannelCount).toBe(2002);
  });

  it('sends the appends of one tick in one script call per 256, the script whole once, then by its hash', async () => {
    await admin.script('FLUSH');
    const store = storeOn();
    const event = { data: 'x' };
    let before = await commandStats(redis.url);
    // A burst to 600 channels: the first call (EVAL) carries 256 entries, the others wait
    // for it, then go by hash (EVALSHA).
    const ids = await Promise.all(
      Array.from({ length: 600 }, (_, user) => store.append(`user:${user % 300}`, event)),
    );
    // (commandstats counts the script's own commands too: one XADD and SPUBLISH each.)
    expect(callsBetween(before, await commandStats(redis.url))).toMatchObject({
      eval: 1,
      evalsha: 2,
      xadd: 600,
      spublish: 600,
    });
    // Each channel's two entries, in the order they were appended.
    for (const user of [0, 7, 299]) {
      const entries = await admin.xrange(key(`user:${user}`), '-', '+');
      expect(entries.map(([id]) => id)).toEqual([ids[user], ids[user + 300]]);
    }
    // Appends that wait for each other go one call each.
    before = await commandStats(redis.url);
    for (let i = 0; i < 3; i++) await store.append('one-by-one', event);
    expect(callsBetween(before, await commandStats(redis.url))).toMatchObject({ evalsha: 3 });
    await admin.script('FLUSH');
    before = await commandStats(redis.url);
    await store.append('one-by-one', event);
    // EVALSHA refused (NOSCRIPT), then EVAL.
    expect(callsBetween(before, await commandStats(redis.url))).toMatchObject({
      eval: 1,
      evalsha: 1,
      xadd: 1,
    });
    expect(await admin.xlen(key('one-by-one'))).toBe(4);
  });

  it('sends a call as soon as it is full, while the burst goes on', async () => {
    const client = new Redis(redis.url);
    clients.push(client);
    const store = new RedisEventStore({ client, keyPrefix: key('') });
    stores.push(store);
    await store.append('warm-up', { data: 0 });
    let sent = 0;
    const send = client.evalsha.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as Record<string, unknown>).evalsha = (...args: unknown[]) => {
      sent++;
      return send(...args);
    };
    const burst = Array.from({ length: 600 }, (_, user) => store.append(`user:${user}`, {}));
    // Still in the burst's tick: its two full calls are on their way.
    expect(sent).toBe(2);
    await Promise.all(burst);
    expect(sent).toBe(3);
  });

  it('an entry refused in a shared call (completed channel, key of another type) fails alone', async () => {
    const store = storeOn();
    await store.complete('done');
    await admin.set(key('a-string'), 'x');
    const appends = await Promise.allSettled([
      store.append('fine', { data: 1 }),
      store.append('done', { data: 2 }),
      store.append('a-string', { data: 3 }),
      store.complete('done'),
      store.append('fine', { data: 4 }),
    ]);
    expect(appends.map((append) => append.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    const reason = (i: number) => (appends[i] as PromiseRejectedResult).reason as Error;
    expect(reason(1)).toBeInstanceOf(ChannelCompletedError);
    expect(reason(2).message).toMatch(/^WRONGTYPE/);
    // Completing a completed channel answers its completion's id.
    const [completion] = await admin.xrange(key('done'), '-', '+');
    expect((appends[3] as PromiseFulfilledResult<string>).value).toBe(completion[0]);
    expect(await admin.xlen(key('done'))).toBe(1);
    expect((await store.readLast('fine', 10)).events.map((entry) => entry.data)).toEqual([1, 4]);
  });

  it('a first append refused (a completed channel) leaves the script usable for the next', async () => {
    const completer = storeOn();
    await completer.complete('done');
    await admin.script('FLUSH');
    const store = storeOn(redis.url, key(''));
    await expect(store.append('done', { data: 1 })).rejects.toThrow(ChannelCompletedError);
    await expect(store.append('open', { data: 2 })).resolves.toMatch(/^\d+-\d+$/);
  });

  it('a script the server lost is loaded again without a later append overtaking a refused one', async () => {
    // The client's script replies reach the store only when the test lets them, in the
    // order they were sent, as one connection answers: a slow network, on a real Redis.
    const client = new Redis(redis.url);
    clients.push(client);
    const replies: Array<{ answered: Promise<unknown>; release(): void }> = [];
    let holding = false;
    let delivered: Promise<unknown> = Promise.resolve();
    for (const name of ['eval', 'evalsha'] as const) {
      const send = client[name].bind(client) as (...args: unknown[]) => Promise<unknown>;
      (client as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        const answer = send(...args);
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        if (!holding) release();
        const reply = Promise.allSettled([answer, delivered, released]).then(() => answer);
        delivered = reply.catch(() => undefined);
        replies.push({ answered: answer.catch(() => undefined), release });
        return reply;
      };
    }
    const store = new RedisEventStore({ client, keyPrefix: key('') });
    stores.push(store);
    await store.append('tokens', { data: 0 });
    await admin.script('FLUSH');
    holding = true;
    const sentBefore = replies.length;
    // Two appends in two ticks: both EVALSHAs run, both refused (NOSCRIPT).
    const first = store.append('tokens', { data: 1 });
    await setImmediate();
    const second = store.append('tokens', { data: 2 });
    await setImmediate();
    expect(replies.length - sentBefore).toBe(2);
    await replies[sentBefore + 1].answered;
    // The first refusal comes back: the script goes again, with the first append (EVAL).
    replies[sentBefore].release();
    await setImmediate();
    expect(replies.length - sentBefore).toBe(3);
    // A third append, while the second's refusal is still on its way back.
    const third = store.append('tokens', { data: 3 });
    await setImmediate();
    holding = false;
    for (const reply of replies) reply.release();
    await Promise.all([first, second, third]);
    const entries = await admin.xrange(key('tokens'), '-', '+');
    expect(entries.map(([, fields]) => fields[1])).toEqual(['0', '1', '2', '3']);
  });

  it.each(['ssubscribe', 'xrevrange'])(
    'a persistent error (%s refused) is retried with back-off, logged once, and recovers',
    async (command) => {
      const user = `no-${command}`;
      await admin.call('ACL', 'SETUSER', user, 'on', 'nopass', '~*', '&*', '+@all', `-${command}`);
      // Events come from a store of its own: the append script runs XREVRANGE too.
      const publisher = hubOn(storeOn());
      const hub = hubOn(storeOn(`redis://${user}:any@127.0.0.1:${redis.port}`, key('')));
      const marker = await publisher.publish('alerts', 'marker');
      const before = await calls(command);
      const subscription = hub.subscribe('alerts', { lastEventId: marker })[Symbol.asyncIterator]();
      const first = subscription.next();
      // A window to count in, not a wait for something: however the machine schedules
      // it, retries 100, 200, 400, 800 ms apart fit at most five tries into 2 s, where a
      // loop without back-off makes thousands.
      await setTimeout(2000);
      const tries = (await calls(command)) - before;
      expect(tries).toBeGreaterThanOrEqual(2);
      expect(tries).toBeLessThanOrEqual(5);
      expect(logger.entries).toEqual([
        expect.objectContaining({
          level: 'warn',
          message: expect.stringMatching(/channel "alerts" failed \(NOPERM .*\); retrying/),
        }),
      ]);
      await admin.call('ACL', 'SETUSER', user, `+${command}`);
      await publisher.publish('alerts', 'after the fix');
      expect(((await first).value as { data: unknown }).data).toBe('after the fix');
    },
  );

  it('close() rejects a tail still waiting for its subscription', async () => {
    await admin.call(
      'ACL',
      'SETUSER',
      'no-sub',
      'on',
      'nopass',
      '~*',
      '&*',
      '+@all',
      '-ssubscribe',
    );
    const store = new RedisEventStore({ url: `redis://no-sub:any@127.0.0.1:${redis.port}` });
    const tail = store.tail('waiting', () => undefined);
    await store.close();
    await expect(tail).rejects.toThrow('RedisEventStore: the store was closed');
  });

  it('close() twice quits once and leaves no timer behind', async () => {
    const store = storeOn();
    await store.tail('closing', () => undefined);
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout');
    const [quitsBefore, timersBefore] = [await calls('quit'), timers().length];
    await Promise.all([store.close(), store.close()]);
    await store.close();
    expect((await calls('quit')) - quitsBefore).toBe(1);
    // A second QUIT fails; its fallback, disconnect(), would wait 2 s on a timer for a
    // socket that has closed already.
    expect(timers().length).toBeLessThanOrEqual(timersBefore);
  });

  it('a channel whose key holds another type fails its subscribers, not the others', async () => {
    const hub = hubOn(storeOn());
    await admin.set(key('not-a-stream'), 'a string');
    const bad = hub.subscribe('not-a-stream')[Symbol.asyncIterator]();
    await expect(bad.next()).rejects.toThrow(
      'RedisEventStore: channel "not-a-stream" cannot be read: WRONGTYPE',
    );
    const marker = await hub.publish('fine', 'marker');
    const good = hub.subscribe('fine', { lastEventId: marker })[Symbol.asyncIterator]();
    await hub.publish('fine', 1);
    expect((await nextEvents(good, 1)).map((event) => event.data)).toEqual([1]);
  });

  it('a dropped subscribing connection loses nothing; a channel turned into a string ends', async () => {
    const hub = hubOn(storeOn());
    const [goodMarker, doomedMarker] = [
      await hub.publish('good', 0),
      await hub.publish('doomed', 0),
    ];
    const good = hub.subscribe('good', { lastEventId: goodMarker })[Symbol.asyncIterator]();
    const doomed = hub.subscribe('doomed', { lastEventId: doomedMarker })[Symbol.asyncIterator]();
    await Promise.all([hub.publish('good', 1), hub.publish('doomed', 1)]);
    expect((await nextEvents(good, 1))[0].data).toBe(1);
    expect((await nextEvents(doomed, 1))[0].data).toBe(1);
    await admin.del(key('doomed'));
    await admin.set(key('doomed'), 'a string');
    const readsBefore = await calls('xrange');
    // The store's subscribing connection drops while events are being published.
    const publishing = (async () => {
      for (let i = 2; i <= 60; i++) await hub.publish('good', i);
    })();
    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await publishing;
    expect((await nextEvents(good, 59)).map((event) => event.data)).toEqual(
      Array.from({ length: 59 }, (_, i) => i + 2),
    );
    await expect(doomed.next()).rejects.toThrow(
      'RedisEventStore: channel "doomed" cannot be read: WRONGTYPE',
    );
    // Each channel was read once after the reconnect (twice should it have dropped
    // again): the failed one is not retried.
    expect((await calls('xrange')) - readsBefore).toBeLessThanOrEqual(4);
    expect(logger.entries.filter((entry) => entry.level === 'error')).toEqual([
      expect.objectContaining({ message: expect.stringContaining('channel "doomed"') }),
    ]);
  });
});

describe('RedisEventStore options', () => {
  it('refuses a client that is not an ioredis Redis or Cluster', () => {
    expect(() => new RedisEventStore({ client: { host: 'x' } as never })).toThrow(
      'RedisEventStore: "client" must be an ioredis Redis or Cluster, got an object (Object)',
    );
  });
});
