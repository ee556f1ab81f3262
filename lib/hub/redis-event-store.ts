import { Logger } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import { invalidValue } from '../sse/validation.js';
import { compareEventIds, parseEventId } from './event-id.js';
import type {
  EventHistory,
  EventStore,
  StoredEvent,
  Unsubscribe,
} from './event-store.interface.js';
import { loadKeySlot, loadRedisClient } from './load-ioredis.js';
import { AppendScript } from './redis-append-script.js';
import { ChannelTail, type TailListener } from './redis-channel-tail.js';
import { LiveFeed } from './redis-live-feed.js';
import { COMPLETED_FIELD, toEntryFields, toStoredEvent } from './redis-stream-entry.js';
import { readStreamInfo } from './redis-stream-info.js';
import { ClusterSlots, SingleRedis } from './redis-topology.js';
import { assertExpireAfter, assertHistorySize } from './store-options.js';

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
  /**
   * Ms after a channel's last event (or its completion) that Redis forgets it: history,
   * completion and all (`PEXPIRE` on its stream key, renewed by each append). Default:
   * channels are kept until deleted.
   */
  expireAfter?: number;
}

/**
 * Channels on Redis Streams, shared by every instance of an app: XADD with an
 * approximate MAXLEN, replay with XRANGE. Ids are the stream ids.
 *
 * The live path is sharded Pub/Sub, as in Centrifugo's Redis engine: a script appends
 * each entry (an event, or the completion) and publishes it (SPUBLISH) on a shard channel
 * named as its key; each instance subscribes (SSUBSCRIBE) to the channels it tails, on
 * one connection per node (per master on a Cluster). Opening a channel is then one
 * SSUBSCRIBE and one XREVRANGE, whatever the number already open, where one blocking
 * XREAD naming every channel had to be woken and re-issued (work growing with the
 * channels open) and could not span hash slots. The stream stays the source of truth:
 * after any (re)subscription a channel is read from its last id, so a reconnect or a
 * failover loses nothing that was appended.
 */
export class RedisEventStore implements EventStore {
  private readonly commands: Redis | Cluster;
  private readonly ownsCommands: boolean;
  private readonly historySize: number;
  private readonly keyPrefix: string;
  private readonly expireAfter: number | undefined;
  private readonly tails = new Map<string, ChannelTail>();
  private readonly feed: LiveFeed;
  private readonly appendScript: AppendScript;
  private readonly slotOf: (key: string) => number;
  private closing: Promise<void> | undefined;

  constructor(options: RedisEventStoreOptions = {}) {
    const { url, client, historySize = 1000, keyPrefix = 'sse:', expireAfter } = options;
    assertHistorySize('RedisEventStore', historySize);
    assertExpireAfter('RedisEventStore', expireAfter);
    if (client !== undefined && typeof (client as Partial<Redis>)?.duplicate !== 'function') {
      throw invalidValue(
        'RedisEventStore',
        'client',
        'must be an ioredis Redis or Cluster',
        client,
      );
    }
    const RedisClient = client ? undefined : loadRedisClient();
    this.commands = client ?? (url === undefined ? new RedisClient!() : new RedisClient!(url));
    this.ownsCommands = !client;
    this.historySize = historySize;
    this.keyPrefix = keyPrefix;
    this.expireAfter = expireAfter;
    const topology = this.commands.isCluster
      ? new ClusterSlots(this.commands as Cluster, loadKeySlot())
      : new SingleRedis(this.commands as Redis);
    this.slotOf = (key) => topology.slotOf(key);
    this.appendScript = new AppendScript(this.commands, this.slotOf);
    this.feed = new LiveFeed(topology, this.commands, new Logger('RedisEventStore'));
  }

  append(channel: string, event: Omit<StoredEvent, 'id' | 'completed'>): Promise<string> {
    return this.appendEntry(channel, false, toEntryFields(event));
  }

  complete(channel: string): Promise<string> {
    return this.appendEntry(channel, true, [COMPLETED_FIELD, '1']);
  }

  async readAfter(channel: string, afterId: string): Promise<EventHistory> {
    const key = this.key(channel);
    if (!parseEventId(afterId)) return { events: await this.range(key, '-'), lost: true };
    const [info, entries] = await Promise.all([
      readStreamInfo(this.commands, key),
      this.range(key, `(${afterId}`),
    ]);
    // Unknown: newer than anything the stream made, or a stream that does not exist.
    if (!info || compareEventIds(afterId, info.lastGenerated) > 0)
      return { events: await this.range(key, '-'), lost: true };
    // Trimming keeps no record of the ids it removed: an id older than the first entry
    // kept may have missed some (it is reported lost even when it was the very last one
    // trimmed); so may one from before the key expired and was made anew, which the
    // stream knows nothing of. XDEL records the largest it removed.
    const beforeFirst =
      info.firstEntry !== undefined && compareEventIds(afterId, info.firstEntry) < 0;
    const deleted = compareEventIds(afterId, info.maxDeleted) < 0;
    // The completion ends every read, even one after its own id.
    if (info.lastEntry?.completed && !entries.at(-1)?.completed) entries.push(info.lastEntry);
    return { events: entries, lost: beforeFirst || deleted };
  }

  async readLast(channel: string, count: number): Promise<EventHistory> {
    const key = this.key(channel);
    // One more than asked for: the completion, if any, comes on top of the events.
    const entries =
      count === Infinity
        ? await this.range(key, '-')
        : (await this.commands.xrevrange(key, '+', '-', 'COUNT', count + 1))
            .reverse()
            .map(toStoredEvent);
    const completed = entries.at(-1)?.completed === true;
    if (!completed && entries.length > count) entries.shift();
    if (entries.length - Number(completed) >= count) return { events: entries, lost: false };
    // Fewer than asked for: lost if the stream ever had more.
    const info = await readStreamInfo(this.commands, key);
    return { events: entries, lost: info !== undefined && info.added > info.length };
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

  /** Closing twice quits once (a second QUIT would fail, and its fallback hang on a timer). */
  close(): Promise<void> {
    return (this.closing ??= this.shutDown());
  }

  private async shutDown(): Promise<void> {
    this.feed.close();
    const closed = new Error('RedisEventStore: the store was closed');
    for (const tail of this.tails.values()) if (!tail.isOpen) tail.fail(closed);
    this.tails.clear();
    if (this.ownsCommands) await this.commands.quit().catch(() => this.commands.disconnect());
  }

  private key(channel: string): string {
    return `${this.keyPrefix}${channel}`;
  }

  private appendEntry(channel: string, completion: boolean, fields: string[]): Promise<string> {
    const { historySize, expireAfter } = this;
    const key = this.key(channel);
    return this.appendScript.run({ channel, key, historySize, expireAfter, completion, fields });
  }

  private async range(key: string, start: string): Promise<StoredEvent[]> {
    return (await this.commands.xrange(key, start, '+')).map(toStoredEvent);
  }
}
