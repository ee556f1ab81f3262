import type { Redis } from 'ioredis';
import { loadRedisClient } from './load-ioredis.js';
import { ChannelCompletedError } from './channel-completed.error.js';
import { compareEventIds, parseEventId } from './event-id.js';
import type {
  EventHistory,
  EventStore,
  StoredEvent,
  Unsubscribe,
} from './event-store.interface.js';
import {
  APPEND_SCRIPT,
  APPEND_SCRIPT_SHA,
  COMPLETED_FIELD,
  COMPLETED_REPLY,
  toEntryFields,
  toStoredEvent,
} from './redis-stream-entry.js';
import { readStreamInfo } from './redis-stream-info.js';
import { assertExpireAfter, assertHistorySize } from './store-options.js';

export interface RedisEventStoreOptions {
  /** Connection URL (`redis://host:port/db`), when no `client` is given. */
  url?: string;
  /** An ioredis client to use for commands; the store duplicates it for its blocking reads. */
  client?: Redis;
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

interface TailedStream {
  /** The id of the last entry read (or present when the tail began). */
  lastId: string;
  listeners: Set<(event: StoredEvent) => void>;
}

/**
 * Channels on Redis Streams, shared by every instance of an app: XADD with an
 * approximate MAXLEN, replay with XRANGE, and one blocking XREAD loop per store for
 * every channel tailed here, on a connection of its own. Ids are the stream ids.
 */
export class RedisEventStore implements EventStore {
  private readonly commands: Redis;
  private readonly reader: Redis;
  private readonly ownsCommands: boolean;
  private readonly historySize: number;
  private readonly keyPrefix: string;
  private readonly expireAfter: number | undefined;
  private readonly streams = new Map<string, TailedStream>();
  /** The reader's client id while the loop may be blocked on it (for CLIENT UNBLOCK). */
  private readerId: number | undefined;
  private reading: Promise<void> | undefined;
  private closed = false;

  constructor(options: RedisEventStoreOptions = {}) {
    const { url, client, historySize = 1000, keyPrefix = 'sse:', expireAfter } = options;
    assertHistorySize('RedisEventStore', historySize);
    assertExpireAfter('RedisEventStore', expireAfter);
    const RedisClient = client ? undefined : loadRedisClient();
    this.commands = client ?? (url === undefined ? new RedisClient!() : new RedisClient!(url));
    this.ownsCommands = !client;
    this.reader = this.commands.duplicate();
    // After a reconnect the reader has a new client id.
    this.reader.on('close', () => (this.readerId = undefined));
    this.historySize = historySize;
    this.keyPrefix = keyPrefix;
    this.expireAfter = expireAfter;
  }

  async append(channel: string, event: Omit<StoredEvent, 'id' | 'completed'>): Promise<string> {
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

  async tail(channel: string, listener: (event: StoredEvent) => void): Promise<Unsubscribe> {
    const key = this.key(channel);
    let stream = this.streams.get(key);
    if (!stream) {
      const [last] = await this.commands.xrevrange(key, '+', '-', 'COUNT', 1);
      stream = this.streams.get(key) ?? { lastId: last?.[0] ?? '0-0', listeners: new Set() };
      this.streams.set(key, stream);
      await this.restartRead();
    }
    const tailed = stream;
    tailed.listeners.add(listener);
    return () => {
      tailed.listeners.delete(listener);
      if (tailed.listeners.size === 0 && this.streams.get(key) === tailed) this.streams.delete(key);
    };
  }

  /** Channels the read loop follows, for tests and metrics. */
  get tailedChannelCount(): number {
    return this.streams.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.streams.clear();
    this.reader.disconnect();
    await this.reading;
    if (this.ownsCommands) await this.commands.quit().catch(() => this.commands.disconnect());
  }

  private key(channel: string): string {
    return `${this.keyPrefix}${channel}`;
  }

  private async appendEntry(channel: string, complete: boolean, fields: string[]): Promise<string> {
    const args = [
      this.key(channel),
      this.historySize,
      this.expireAfter ?? '',
      complete ? '1' : '0',
      ...fields,
    ];
    try {
      // The script by its hash; sent whole once Redis says it does not have it.
      const id = await this.commands
        .evalsha(APPEND_SCRIPT_SHA, 1, ...args)
        .catch((error: Error) => {
          if (!error.message.startsWith('NOSCRIPT')) throw error;
          return this.commands.eval(APPEND_SCRIPT, 1, ...args);
        });
      return String(id);
    } catch (error) {
      if ((error as Error).message?.includes(COMPLETED_REPLY))
        throw new ChannelCompletedError(channel);
      throw error;
    }
  }

  private async range(key: string, start: string): Promise<StoredEvent[]> {
    return (await this.commands.xrange(key, start, '+')).map(toStoredEvent);
  }

  // The blocking XREAD names its streams when it starts; a stream tailed since is read
  // once the current XREAD is woken (CLIENT UNBLOCK) and started again. BLOCK's timeout
  // covers an UNBLOCK that reaches Redis just before the XREAD it was meant for.
  private async restartRead(): Promise<void> {
    if (!this.reading) {
      this.reading = this.readLoop();
    } else if (this.readerId !== undefined) {
      await this.commands.client('UNBLOCK', this.readerId);
    }
  }

  private async readLoop(): Promise<void> {
    while (!this.closed && this.streams.size > 0) {
      let reply: Array<[string, Array<[string, string[]]>]> | null;
      try {
        // Only this loop uses the reader, so asking its id cannot wait behind an XREAD.
        this.readerId ??= Number(await this.reader.client('ID'));
        const keys = [...this.streams.keys()];
        const ids = keys.map((key) => this.streams.get(key)!.lastId);
        reply = (await this.reader.xread(
          'COUNT',
          1000,
          'BLOCK',
          2000,
          'STREAMS',
          ...keys,
          ...ids,
        )) as typeof reply;
      } catch {
        // The connection dropped: ioredis reconnects, and reading resumes from the last
        // id seen on each stream, so nothing is lost or repeated.
        if (!this.closed) await this.ready();
        continue;
      }
      for (const [key, entries] of reply ?? []) {
        const stream = this.streams.get(key);
        if (!stream) continue;
        for (const entry of entries) {
          stream.lastId = entry[0];
          const event = toStoredEvent(entry);
          for (const listener of stream.listeners) listener(event);
        }
      }
    }
    this.reading = undefined;
  }

  private ready(): Promise<void> {
    if (this.reader.status === 'ready' || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.reader.off('ready', done);
        this.reader.off('end', done);
        resolve();
      };
      this.reader.on('ready', done);
      this.reader.on('end', done);
    });
  }
}
