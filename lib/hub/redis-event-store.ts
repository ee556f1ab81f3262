import { createRequire } from 'node:module';
import { Logger } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import { describe } from '../sse/sse-fields.js';
import { compareEventIds, parseEventId } from './event-id.js';
import type {
  EventHistory,
  EventStore,
  StoredEvent,
  Unsubscribe,
} from './event-store.interface.js';
import { AppendScript } from './redis-append-script.js';
import { ChannelTail, type StreamEntry, type TailListener } from './redis-channel-tail.js';
import { LiveFeed } from './redis-live-feed.js';
import { ClusterSlots, SingleRedis } from './redis-topology.js';

export interface RedisEventStoreOptions {
  /** Connection URL (`redis://host:port/db`), when no `client` is given. */
  url?: string;
  /**
   * An ioredis client to use for commands: a `Redis`, or a `Cluster` (channels in any
   * slot). The store duplicates it for its subscriptions and leaves it open on close.
   */
  client?: Redis | Cluster;
  /** Events kept per channel (approximately: `MAXLEN ~`). Default 1000. */
  historySize?: number;
  /** Prefix of the stream keys. Default `sse:`. */
  keyPrefix?: string;
}

// ioredis is an optional peer: loaded when a RedisEventStore is made, so that apps
// without it can import the package.
const load = createRequire(import.meta.url);

interface IoRedis {
  Redis: new (url?: string) => Redis;
  /** cluster-key-slot, ioredis' own dependency: the hash slot of a key. */
  slotOf: (key: string) => number;
}

function loadIoRedis(): IoRedis {
  try {
    const { Redis } = load('ioredis') as { Redis: IoRedis['Redis'] };
    const slotOf = createRequire(load.resolve('ioredis'))('cluster-key-slot') as IoRedis['slotOf'];
    return { Redis, slotOf };
  } catch (error) {
    throw new Error('RedisEventStore needs the "ioredis" package: npm install ioredis', {
      cause: error,
    });
  }
}

/**
 * Channels on Redis Streams, shared by every instance of an app: XADD with an
 * approximate MAXLEN, replay with XRANGE. Ids are the stream ids.
 *
 * The live path is sharded Pub/Sub, as in Centrifugo's Redis engine: a script appends
 * each event and publishes it (SPUBLISH) on a shard channel named as its key; each
 * instance subscribes (SSUBSCRIBE) to the channels it tails, on one connection per node
 * (per master on a Cluster). Opening a channel is then one SSUBSCRIBE and one XREVRANGE,
 * whatever the number already open, where one blocking XREAD naming every channel had to
 * be woken and re-issued (work growing with the channels open) and could not span hash
 * slots. The stream stays the source of truth: after any (re)subscription a channel is
 * read from its last id, so a reconnect or a failover loses nothing that was appended.
 */
export class RedisEventStore implements EventStore {
  private readonly commands: Redis | Cluster;
  private readonly ownsCommands: boolean;
  private readonly historySize: number;
  private readonly keyPrefix: string;
  private readonly tails = new Map<string, ChannelTail>();
  private readonly feed: LiveFeed;
  private readonly appendScript: AppendScript;
  private readonly slotOf: (key: string) => number;

  constructor(options: RedisEventStoreOptions = {}) {
    const { url, client, historySize = 1000, keyPrefix = 'sse:' } = options;
    if (!Number.isSafeInteger(historySize) || historySize < 1) {
      throw new RangeError(
        `RedisEventStore: "historySize" must be a positive integer, got ${historySize}`,
      );
    }
    if (client !== undefined && typeof (client as Partial<Redis>)?.duplicate !== 'function') {
      throw new TypeError(
        `RedisEventStore: "client" must be an ioredis Redis or Cluster, got ${describe(client)}`,
      );
    }
    const ioredis = loadIoRedis();
    this.commands = client ?? (url === undefined ? new ioredis.Redis() : new ioredis.Redis(url));
    this.ownsCommands = !client;
    this.historySize = historySize;
    this.keyPrefix = keyPrefix;
    this.appendScript = new AppendScript(this.commands);
    const topology = this.commands.isCluster
      ? new ClusterSlots(this.commands as Cluster, ioredis.slotOf)
      : new SingleRedis(this.commands as Redis);
    this.slotOf = (key) => topology.slotOf(key);
    this.feed = new LiveFeed(topology, this.commands, new Logger('RedisEventStore'));
  }

  async append(channel: string, event: Omit<StoredEvent, 'id'>): Promise<string> {
    const fields: string[] = [];
    if (event.event !== undefined) fields.push('event', event.event);
    if (event.comment !== undefined) fields.push('comment', event.comment);
    if (event.rawData !== undefined) fields.push('raw', event.rawData);
    else fields.push('data', JSON.stringify(event.data ?? null));
    return this.appendScript.run(this.key(channel), this.historySize, fields);
  }

  async readAfter(channel: string, afterId: string): Promise<EventHistory> {
    const key = this.key(channel);
    if (!parseEventId(afterId)) return { events: await this.range(key, '-'), lost: true };
    const [info, entries] = await Promise.all([
      this.streamInfo(key),
      this.range(key, `(${afterId}`),
    ]);
    // Unknown: newer than anything the stream made, or a stream that does not exist.
    if (!info || compareEventIds(afterId, info.lastGenerated) > 0)
      return { events: await this.range(key, '-'), lost: true };
    // Trimming keeps no record of the ids it removed: an id older than the first entry
    // kept, once anything was trimmed, may have missed some (it is reported lost even
    // when it was the very last one trimmed). XDEL records the largest it removed.
    const trimmed =
      info.added > info.length &&
      info.firstEntry !== undefined &&
      compareEventIds(afterId, info.firstEntry) < 0;
    const deleted = compareEventIds(afterId, info.maxDeleted) < 0;
    return { events: entries, lost: trimmed || deleted };
  }

  async tail(
    channel: string,
    listener: (event: StoredEvent) => void,
    onError?: (error: unknown) => void,
  ): Promise<Unsubscribe> {
    const key = this.key(channel);
    const subscriber: TailListener = {
      event: (entry) => listener(toStoredEvent(entry)),
      error: onError,
    };
    let tail = this.tails.get(key);
    const opening = !tail || tail.failed;
    if (opening) {
      tail = new ChannelTail(channel, key, this.slotOf(key));
      this.tails.set(key, tail);
    }
    const tailed = tail!;
    tailed.listeners.add(subscriber);
    if (opening) void this.feed.add(tailed);
    const unsubscribe = () => {
      tailed.listeners.delete(subscriber);
      if (tailed.listeners.size > 0) return;
      this.feed.remove(tailed);
      if (this.tails.get(key) === tailed) this.tails.delete(key);
    };
    try {
      await tailed.opened;
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  /** Channels tailed here, for tests and metrics. */
  get tailedChannelCount(): number {
    return this.tails.size;
  }

  async close(): Promise<void> {
    this.feed.close();
    const closed = new Error('RedisEventStore: the store was closed');
    for (const tail of this.tails.values()) if (!tail.isOpen) tail.fail(closed);
    this.tails.clear();
    if (this.ownsCommands) await this.commands.quit().catch(() => this.commands.disconnect());
  }

  private key(channel: string): string {
    return `${this.keyPrefix}${channel}`;
  }

  private async range(key: string, start: string): Promise<StoredEvent[]> {
    return (await this.commands.xrange(key, start, '+')).map(toStoredEvent);
  }

  private async streamInfo(key: string): Promise<
    | {
        lastGenerated: string;
        maxDeleted: string;
        firstEntry?: string;
        added: number;
        length: number;
      }
    | undefined
  > {
    const reply = (await this.commands.call('XINFO', 'STREAM', key).catch((error: Error) => {
      if (/no such key/i.test(error.message)) return undefined;
      throw error;
    })) as unknown[] | undefined;
    if (!reply) return undefined;
    const field = (name: string) => reply[reply.indexOf(name) + 1];
    const firstEntry = field('first-entry') as [string, string[]] | null;
    return {
      lastGenerated: String(field('last-generated-id')),
      maxDeleted: String(field('max-deleted-entry-id')),
      firstEntry: firstEntry?.[0],
      added: Number(field('entries-added')),
      length: Number(field('length')),
    };
  }
}

function toStoredEvent([id, fields]: StreamEntry): StoredEvent {
  const event: StoredEvent = { id };
  for (let i = 0; i < fields.length; i += 2) {
    const value = fields[i + 1];
    switch (fields[i]) {
      case 'event':
        event.event = value;
        break;
      case 'comment':
        event.comment = value;
        break;
      case 'raw':
        event.rawData = value;
        break;
      case 'data':
        event.data = JSON.parse(value);
        break;
    }
  }
  return event;
}
