import type { Logger } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import { isEventId } from './event-id.js';
import type { ChannelTail } from './redis-channel-tail.js';
import type { StreamEntry } from './redis-stream-entry.js';
import { RetryBackoff, errorKind } from './retry-backoff.js';
import { RetryTimer } from './retry-timer.js';

interface Failure {
  error: unknown;
  what: string;
}

/**
 * One connection in sharded Pub/Sub mode, to a Redis or to one Cluster master: the live
 * path of the channels whose slots that node serves. Opening a channel is one SSUBSCRIBE
 * (opens of one tick share it) and one read of its stream (XREVRANGE COUNT 1, the
 * position), whatever the number of channels open. After a reconnect or a moved slot,
 * every channel is subscribed again and read from its last id (XRANGE), so what was
 * published meanwhile is not lost. Failures are retried with back-off.
 */
export class ShardSubscriber {
  private readonly tails = new Map<string, ChannelTail>();
  private readonly unsynced = new Set<ChannelTail>();
  private readonly backoff: RetryBackoff;
  private flushing = false;
  private closed = false;
  private readonly retryTimer = new RetryTimer();

  constructor(
    /** The node's `host:port` (on a single Redis, any name). */
    readonly node: string,
    private readonly connection: Redis,
    private readonly commands: Redis | Cluster,
    private readonly logger: Logger,
    /** The slot map looks stale: the node dropped or refused a subscription, or went away. */
    private readonly staleSlots: () => void,
  ) {
    this.backoff = new RetryBackoff(logger, `the subscriptions on ${node}`);
    connection.on('smessage', (channel: string, message: string) => {
      const entry = decodeMessage(message);
      if (entry) this.tails.get(channel)?.receive(entry);
    });
    connection.on('ready', () => void this.flush());
    connection.on('close', () => {
      this.unsyncAll();
      staleSlots();
    });
    // ioredis' signal that the server dropped shard channels (their slot moved: a
    // failover, a resharding) or refused one with MOVED.
    connection.on('moved', () => {
      this.unsyncAll();
      staleSlots();
      void this.flush();
    });
    connection.on('error', (error: Error) =>
      this.backoff.report(error, `the Redis connection to ${node}`),
    );
  }

  get size(): number {
    return this.tails.size;
  }

  /** Channels homed here, for a move to another node. */
  channels(): IterableIterator<ChannelTail> {
    return this.tails.values();
  }

  add(tail: ChannelTail): void {
    this.tails.set(tail.key, tail);
    this.unsynced.add(tail);
    void this.flush();
  }

  remove(tail: ChannelTail): void {
    if (this.tails.get(tail.key) !== tail) return;
    this.tails.delete(tail.key);
    this.unsynced.delete(tail);
    if (this.connection.status === 'ready')
      this.connection.sunsubscribe(tail.key).catch(() => undefined);
  }

  close(): void {
    this.closed = true;
    this.retryTimer.cancel();
    this.connection.disconnect();
  }

  private unsyncAll(): void {
    for (const tail of this.tails.values()) {
      tail.unsync();
      this.unsynced.add(tail);
    }
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      // The opens of this tick go out together.
      await Promise.resolve();
      // Connected again with nothing to catch up on: that is a recovery too.
      if (this.unsynced.size === 0 && this.connection.status === 'ready') this.backoff.succeeded();
      while (this.unsynced.size > 0 && !this.closed && this.connection.status === 'ready') {
        const batch = [...this.unsynced];
        this.unsynced.clear();
        const failure = await this.subscribeAndSync(batch);
        if (!failure) this.backoff.succeeded();
        else await this.retryTimer.wait(this.backoff.failed(failure.error, failure.what));
      }
    } finally {
      this.flushing = false;
    }
  }

  private async subscribeAndSync(batch: ChannelTail[]): Promise<Failure | undefined> {
    // On a Cluster, one SSUBSCRIBE names channels of one slot only.
    const bySlot = new Map<number, ChannelTail[]>();
    for (const tail of batch) {
      if (bySlot.has(tail.slot)) bySlot.get(tail.slot)!.push(tail);
      else bySlot.set(tail.slot, [tail]);
    }
    const failures = await Promise.all(
      [...bySlot.values()].map(async (tails): Promise<Failure | undefined> => {
        try {
          await this.connection.ssubscribe(...tails.map((tail) => tail.key));
        } catch (error) {
          this.retryLater(tails);
          return { error, what: `subscribing to channel "${tails[0].channel}"` };
        }
        return this.sync(tails.filter((tail) => this.tails.get(tail.key) === tail));
      }),
    );
    return failures.find((failure) => failure !== undefined);
  }

  /** Reads each channel's stream from its last id (the first time: its newest id). */
  private async sync(tails: ChannelTail[]): Promise<Failure | undefined> {
    const syncs = tails.map((tail) => tail.startSync());
    const reads = await Promise.allSettled(
      tails.map((tail) =>
        tail.lastId === undefined
          ? this.commands.xrevrange(tail.key, '+', '-', 'COUNT', 1)
          : this.commands.xrange(tail.key, `(${tail.lastId}`, '+'),
      ),
    );
    let failure: Failure | undefined;
    reads.forEach((read, i) => {
      const tail = tails[i];
      if (read.status === 'fulfilled') return tail.synced(syncs[i], read.value as StreamEntry[]);
      if (errorKind(read.reason) === 'WRONGTYPE') return this.failChannel(tail, read.reason);
      failure ??= { error: read.reason, what: `reading channel "${tail.channel}"` };
      this.retryLater([tail]);
    });
    return failure;
  }

  /** A key of another type will not become a stream by retrying: its subscribers end. */
  private failChannel(tail: ChannelTail, reason: Error): void {
    const message = `RedisEventStore: channel "${tail.channel}" cannot be read: ${reason.message}`;
    this.logger.error(message);
    this.remove(tail);
    tail.fail(new Error(message, { cause: reason }));
  }

  private retryLater(tails: ChannelTail[]): void {
    for (const tail of tails) {
      if (this.tails.get(tail.key) !== tail) continue;
      tail.unsync();
      this.unsynced.add(tail);
    }
  }
}

/** A message of the append script: `[id, field, value, …]`; anything else is ignored. */
function decodeMessage(message: string): StreamEntry | undefined {
  let decoded: unknown;
  try {
    decoded = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (!Array.isArray(decoded) || typeof decoded[0] !== 'string' || !isEventId(decoded[0]))
    return undefined;
  const fields = decoded.slice(1);
  for (const field of fields) if (typeof field !== 'string') return undefined;
  return [decoded[0], fields as string[]];
}
