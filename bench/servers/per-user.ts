// Per-user channels (the notification pattern): every client has a channel of its own.
// STORE=memory | memory-after-tick | redis (REDIS_URL) | cluster (CLUSTER_NODES, JSON
// [{ host, port }]); PUBLISH_CHUNK=K: a round's loop of publishes yields after every K;
// ADAPTER as for the other NestJS servers.
import { Controller, Get, Param, Query } from '@nestjs/common';
import { Cluster } from 'ioredis';
import { setImmediate } from 'node:timers/promises';
import {
  EventHub,
  EventStream,
  EventStreamModule,
  MemoryEventStore,
  RedisEventStore,
  type EventStore,
} from '../../lib/index.js';
import { now, publishSeries } from './common.js';
import { startNest } from './start-nest.js';

/** Counts the tails the store has opened, so that the harness can time the opening. */
class CountingStore implements EventStore {
  opened = 0;

  constructor(private readonly store: EventStore) {}

  append: EventStore['append'] = (...args) => this.store.append(...args);
  complete: EventStore['complete'] = (...args) => this.store.complete(...args);
  readAfter: EventStore['readAfter'] = (...args) => this.store.readAfter(...args);
  readLast: EventStore['readLast'] = (...args) => this.store.readLast(...args);
  close: EventStore['close'] = () => this.store.close();
  tail: EventStore['tail'] = async (...args) => {
    const unsubscribe = await this.store.tail(...args);
    this.opened++;
    return unsubscribe;
  };
}

/**
 * The memory store with the appends of a tick (so their fan-out) run after it, as a Redis
 * store's come back: what a store that goes through a server could deliver at best, at
 * no cost of its own.
 */
class MemoryAfterTickStore extends MemoryEventStore {
  private queued: Array<() => void> = [];

  override append(...args: Parameters<MemoryEventStore['append']>): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.queued.length === 0) setImmediate(() => this.appendQueued());
      this.queued.push(() => super.append(...args).then(resolve, reject));
    });
  }

  private appendQueued(): void {
    const queued = this.queued;
    this.queued = [];
    for (const append of queued) append();
  }
}

function createStore(): EventStore {
  switch (process.env.STORE) {
    case 'redis':
      return new RedisEventStore({ url: process.env.REDIS_URL });
    case 'cluster': {
      return new RedisEventStore({ client: new Cluster(JSON.parse(process.env.CLUSTER_NODES!)) });
    }
    case 'memory-after-tick':
      return new MemoryAfterTickStore();
    default:
      return new MemoryEventStore();
  }
}

const store = new CountingStore(createStore());
const CHUNK = Number(process.env.PUBLISH_CHUNK ?? 0);

@Controller()
class PerUserController {
  constructor(private readonly hub: EventHub) {}

  @Get('subscribe/:user')
  @EventStream({ commitAfter: 0 })
  subscribe(@Param('user') user: string) {
    return this.hub.subscribe(`user:${user}`);
  }

  @Get('opened')
  opened(): number {
    return store.opened;
  }

  /** `count` rounds, `interval` ms apart; each round publishes one event to each of `users`. */
  @Get('publish')
  publish(
    @Query('clients') users: string,
    @Query('count') count = '5',
    @Query('interval') interval = '500',
  ): string {
    publishSeries(Number(count), Number(interval), async () => {
      for (let user = 0; user < Number(users); user++) {
        void this.hub.publish(`user:${user}`, { t: now() });
        if (CHUNK && (user + 1) % CHUNK === 0) await setImmediate();
      }
    });
    return 'ok';
  }
}

await startNest(
  [PerUserController],
  [EventStreamModule.forRoot({ hub: { store, maxQueuedEvents: 100 } })],
);
