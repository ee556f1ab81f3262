import type { Cluster, Redis } from 'ioredis';
import { retryDelay } from './retry-backoff.js';

/** Where channels live: which node serves a key's slot, and a connection to that node. */
export interface Topology {
  /** The key's hash slot (0 on a single Redis). */
  slotOf(key: string): number;
  /** The node serving `slot` now; undefined while the slot map is not known. */
  nodeOf(slot: number): string | undefined;
  /** Resolves when a slot map arrives. */
  nextSlotMap(): Promise<void>;
  /** A new connection to `node`, for its subscriptions. */
  connect(node: string): Redis;
  /** Calls `listener` whenever the slot map may have changed; returns its removal. */
  onChange(listener: () => void): () => void;
  /** Whether slots move between nodes (a Cluster). */
  readonly sharded: boolean;
  /** Fetches a fresh slot map (the one we have looks stale). */
  refresh(): Promise<void>;
}

/** The subscribing connections read nothing before the store has subscribed them again. */
const SUBSCRIBER_OPTIONS = { autoResubscribe: false, lazyConnect: false } as const;

/** A single Redis: one node, one slot. */
export class SingleRedis implements Topology {
  readonly sharded = false;

  constructor(private readonly commands: Redis) {}

  slotOf(): number {
    return 0;
  }

  nodeOf(): string {
    const { host, port, path } = this.commands.options;
    return path ?? `${host}:${port}`;
  }

  async nextSlotMap(): Promise<void> {}

  connect(): Redis {
    return this.commands.duplicate(SUBSCRIBER_OPTIONS);
  }

  onChange(): () => void {
    return () => undefined;
  }

  async refresh(): Promise<void> {}
}

/**
 * A Redis Cluster, through ioredis' slot map: a subscribing connection per master,
 * duplicated from the Cluster's own connection to that node (same credentials, TLS and
 * NAT mapping). MOVED, ASK and failovers of commands are ioredis' to handle.
 */
export class ClusterSlots implements Topology {
  readonly sharded = true;

  constructor(
    private readonly cluster: Cluster,
    readonly slotOf: (key: string) => number,
  ) {}

  nodeOf(slot: number): string | undefined {
    return this.cluster.slots[slot]?.[0];
  }

  nextSlotMap(): Promise<void> {
    if (this.cluster.status === 'wait') this.cluster.connect().catch(() => undefined);
    return new Promise((resolve) => this.cluster.once('refresh', () => resolve()));
  }

  connect(node: string): Redis {
    const separator = node.lastIndexOf(':');
    const host = node.slice(0, separator);
    const port = Number(node.slice(separator + 1));
    const nodes = this.cluster.nodes();
    const known = nodes.find((redis) => redis.options.host === host && redis.options.port === port);
    return (known ?? nodes[0]).duplicate({
      ...SUBSCRIBER_OPTIONS,
      host,
      port,
      readOnly: false,
      // The Cluster's node connections do not reconnect by themselves; this one does,
      // backing off, until the node is back or its channels have moved to another.
      retryStrategy: (times: number) => retryDelay(times - 1),
    });
  }

  onChange(listener: () => void): () => void {
    this.cluster.on('refresh', listener);
    return () => this.cluster.off('refresh', listener);
  }

  refresh(): Promise<void> {
    return new Promise((resolve) => this.cluster.refreshSlotsCache(() => resolve()));
  }
}
