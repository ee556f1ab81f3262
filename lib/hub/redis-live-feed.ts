import type { Logger } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import type { ChannelTail } from './redis-channel-tail.js';
import { ShardSubscriber } from './redis-shard-subscriber.js';
import type { Topology } from './redis-topology.js';

/**
 * The live path of every channel tailed here: each channel is homed on the subscriber
 * of the node serving its slot (one connection per node), and moves when the slot map
 * says its slot has moved.
 */
export class LiveFeed {
  private readonly subscribers = new Map<string, ShardSubscriber>();
  private readonly homes = new Map<ChannelTail, ShardSubscriber>();
  private readonly stopWatching: () => void;
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
    for (const subscriber of this.subscribers.values()) subscriber.close();
    this.subscribers.clear();
    this.homes.clear();
  }

  private home(tail: ChannelTail, node: string): void {
    let subscriber = this.subscribers.get(node);
    if (!subscriber) {
      subscriber = new ShardSubscriber(
        node,
        this.topology.connect(node),
        this.commands,
        this.logger,
        () => this.topology.refresh(),
      );
      this.subscribers.set(node, subscriber);
    }
    this.homes.set(tail, subscriber);
    subscriber.add(tail);
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
