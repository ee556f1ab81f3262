import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { compareEventIds, parseEventId } from './event-id.js';
import type {
  EventHistory,
  EventStore,
  StoredEvent,
  Unsubscribe,
} from './event-store.interface.js';

export interface RedisEventStoreOptions {
  /** Connection URL (`redis://host:port/db`), when no `client` is given. */
  url?: string;
  /** An ioredis client to use for commands; the store duplicates it for its blocking reads. */
  client?: Redis;
  /** Events kept per channel (approximately: `MAXLEN ~`). Default 1000. */
  historySize?: number;
  /** Prefix of the stream keys. Default `sse:`. */
  keyPrefix?: string;
}

interface TailedStream {
  /** The id of the last entry read (or present when the tail began). */
  lastId: string;
  listeners: Set<(event: StoredEvent) => void>;
}

// ioredis is an optional peer: loaded when a RedisEventStore is made, so that apps
// without it can import the package.
const load = createRequire(import.meta.url);

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
  private readonly streams = new Map<string, TailedStream>();
  /** The reader's client id while the loop may be blocked on it (for CLIENT UNBLOCK). */
  private readerId: number | undefined;
  private reading: Promise<void> | undefined;
  private closed = false;

  constructor(options: RedisEventStoreOptions = {}) {
    const { url, client, historySize = 1000, keyPrefix = 'sse:' } = options;
    if (!Number.isSafeInteger(historySize) || historySize < 1) {
      throw new RangeError(
        `RedisEventStore: "historySize" must be a positive integer, got ${historySize}`,
      );
    }
    let RedisClient: new (url?: string) => Redis;
    try {
      RedisClient = (load('ioredis') as { Redis: new (url?: string) => Redis }).Redis;
    } catch (error) {
      throw new Error('RedisEventStore needs the "ioredis" package: npm install ioredis', {
        cause: error,
      });
    }
    this.commands = client ?? (url === undefined ? new RedisClient() : new RedisClient(url));
    this.ownsCommands = !client;
    this.reader = this.commands.duplicate();
    // After a reconnect the reader has a new client id.
    this.reader.on('close', () => (this.readerId = undefined));
    this.historySize = historySize;
    this.keyPrefix = keyPrefix;
  }

  async append(channel: string, event: Omit<StoredEvent, 'id'>): Promise<string> {
    const fields: string[] = [];
    if (event.event !== undefined) fields.push('event', event.event);
    if (event.comment !== undefined) fields.push('comment', event.comment);
    if (event.rawData !== undefined) fields.push('raw', event.rawData);
    else fields.push('data', JSON.stringify(event.data ?? null));
    const id = await this.commands.xadd(
      this.key(channel),
      'MAXLEN',
      '~',
      this.historySize,
      '*',
      ...fields,
    );
    return id!;
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

function toStoredEvent([id, fields]: [string, string[]]): StoredEvent {
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
