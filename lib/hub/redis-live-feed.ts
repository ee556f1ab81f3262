import type { Logger } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import type { ChannelTail } from './redis-channel-tail.js';
import { ShardSubscriber } from './redis-shard-subscriber.js';
import type { Topology } from './redis-topology.js';
import { retryDelay } from './retry-backoff.js';
import { RetryTimer } from './retry-timer.js';

/**
 * The live path of every channel tailed here: each channel is homed on the subscriber
 * of the node serving its slot (one connection per node), and moves when the slot map
 * says its slot has moved.
 */
export class LiveFeed {
  private readonly subscribers = new Map<string, ShardSubscriber>();
  private readonly homes = new Map<ChannelTail, ShardSubscriber>();
  private readonly stopWatching: () => void;
  /** Subscribers whose node dropped or refused subscriptions, until the slot map shows why. */
  private readonly stale = new Set<ShardSubscriber>();
  private readonly retryTimer = new RetryTimer();
  private refreshing = false;
  private closed = false;

  constructor(
    private readonly topology: Topology,
    private readonly commands: Redis | Cluster,
    private readonly logger: Logger,
  ) {
    this.stopWatching = topology.onChange(() => this.rehome());
  }

  async add(tail: ChannelTail): Promise<void> {
    let node = this.topology.nodeOf(tail.slot);
    while (node === undefined && !this.closed) {
      await this.topology.nextSlotMap();
      node = this.topology.nodeOf(tail.slot);
    }
    // Left before its node was known.
    if (this.closed || tail.listeners.size === 0) return;
    this.home(tail, node!);
  }

  remove(tail: ChannelTail): void {
    this.homes.get(tail)?.remove(tail);
    this.homes.delete(tail);
  }

  close(): void {
    this.closed = true;
    this.stopWatching();
    this.retryTimer.cancel();
    for (const subscriber of this.subscribers.values()) subscriber.close();
    this.subscribers.clear();
    this.homes.clear();
  }

  private home(tail: ChannelTail, node: string): void {
    let subscriber = this.subscribers.get(node);
    if (!subscriber) {
      const created: ShardSubscriber = new ShardSubscriber(
        node,
        this.topology.connect(node),
        this.commands,
        this.logger,
        () => void this.refreshSlots(created),
      );
      subscriber = created;
      this.subscribers.set(node, subscriber);
    }
    this.homes.set(tail, subscriber);
    subscriber.add(tail);
  }

  /**
   * A node dropped or refused subscriptions (a failover, a resharding) or went away: the
   * slot map is fetched again, until it shows a slot of that node served elsewhere or
   * the retries run out (the node may just be back). ioredis refreshes it only on the
   * redirections of commands, and this instance may send none.
   */
  private async refreshSlots(subscriber: ShardSubscriber): Promise<void> {
    if (!this.topology.sharded) return;
    this.stale.add(subscriber);
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      for (let retry = 0; retry < 6 && this.stale.size > 0 && !this.closed; retry++) {
        await this.topology.refresh();
        this.rehome();
        if (this.stale.size > 0) await this.retryTimer.wait(retryDelay(retry));
      }
    } finally {
      this.stale.clear();
      this.refreshing = false;
    }
  }

  /** Channels whose slot another node serves now go there (subscribed, then read from their last id). */
  private rehome(): void {
    if (this.closed) return;
    for (const [tail, subscriber] of this.homes) {
      if (tail.failed) {
        this.homes.delete(tail);
        continue;
      }
      const node = this.topology.nodeOf(tail.slot);
      if (node === undefined || node === subscriber.node) continue;
      subscriber.remove(tail);
      this.stale.delete(subscriber);
      tail.unsync();
      this.home(tail, node);
    }
    for (const [node, subscriber] of this.subscribers) {
      if (subscriber.size > 0) continue;
      subscriber.close();
      this.subscribers.delete(node);
    }
  }
}
