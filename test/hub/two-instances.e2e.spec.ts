import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, Param } from '@nestjs/common';
import { EventSource } from 'eventsource';
import {
  EventHub,
  EventStream,
  EventStreamModule,
  LastEventId,
  RedisEventStore,
} from 'nestjs-event-stream';
import { ADAPTERS, NEST, startApp, type TestApp } from '../support/app.js';
import { Deferred } from '../support/deferred.js';
import { RedisServer, redisAvailable } from '../support/redis-server.js';

class PriceDto {
  symbol!: string;
  price!: number;
}

@Controller('prices')
class PricesController {
  constructor(private readonly hub: EventHub) {}

  @Get(':symbol')
  @EventStream({ type: PriceDto, retry: 10 })
  stream(@Param('symbol') symbol: string, @LastEventId() lastEventId?: string) {
    return this.hub.subscribe(`prices:${symbol}`, { lastEventId });
  }
}

/** A generation: replayed whole to a client without Last-Event-ID, until it is complete. */
@Controller('answers')
class AnswersController {
  /** The Last-Event-ID of each request, by channel. */
  static readonly requests = new Map<string, Array<string | undefined>>();

  constructor(private readonly hub: EventHub) {}

  @Get(':id')
  @EventStream({ retry: 10 })
  stream(@Param('id') id: string, @LastEventId() lastEventId?: string) {
    const seen = AnswersController.requests.get(id) ?? [];
    AnswersController.requests.set(id, [...seen, lastEventId]);
    return this.hub.subscribe(`answers:${id}`, { lastEventId, rewind: 'all' });
  }
}

const run = redisAvailable() ? describe.each(ADAPTERS) : describe.skip.each(ADAPTERS);

run(`two instances sharing one Redis (%s, ${NEST})`, (adapter) => {
  let redis: RedisServer;
  let a: TestApp;
  let b: TestApp;
  const instance = () => {
    @Module({
      imports: [
        EventStreamModule.forRoot({
          hub: { store: new RedisEventStore({ url: redis.url, keyPrefix: `${adapter}:` }) },
        }),
      ],
      controllers: [PricesController, AnswersController],
    })
    class InstanceModule {}
    return startApp({ imports: [InstanceModule] }, { adapter });
  };

  beforeAll(async () => {
    redis = await RedisServer.start();
    [a, b] = await Promise.all([instance(), instance()]);
  });
  afterAll(async () => {
    await Promise.all([a?.app.close(), b?.app.close()]);
    await redis?.stop();
  });

  it('a completion on B ends the stream of a client on A, whose reconnection to A is a 204', async () => {
    const hubOnB = b.app.get(EventHub);
    const id = `generation-${adapter}`;
    await hubOnB.publish(`answers:${id}`, 'one');
    const received: Array<{ id: string; data: unknown }> = [];
    const closed = new Deferred<void>();
    const source = new EventSource(`${a.url}/answers/${id}`);
    source.onmessage = (event) => {
      received.push({ id: event.lastEventId, data: JSON.parse(event.data) });
      if (received.length === 1)
        void hubOnB.publish(`answers:${id}`, 'two').then(() => hubOnB.complete(`answers:${id}`));
    };
    source.onerror = () => source.readyState === EventSource.CLOSED && closed.resolve();
    await closed.promise;
    source.close();
    expect(received.map((event) => event.data)).toEqual(['one', 'two']);
    expect(AnswersController.requests.get(id)).toEqual([undefined, received[1].id]);
    await expect(a.app.get(EventHub).publish(`answers:${id}`, 'three')).rejects.toThrow(
      /is completed/,
    );
  });

  it('a client on A gets what B publishes; cut off, it resumes on B with exactly what it missed', async () => {
    const hubOnB = b.app.get(EventHub);
    // The client's connections go to A until the test sends them to B, after a gate.
    let target = a.url;
    let reconnect = new Deferred<void>();
    const lastEventIds: Array<string | null> = [];
    const source = new EventSource(`${a.url}/prices/NEST`, {
      fetch: async (input, init) => {
        const headers = new Headers(init?.headers);
        lastEventIds.push(headers.get('last-event-id'));
        if (lastEventIds.length > 1) await reconnect.promise;
        return fetch(String(input).replace(a.url, target), init);
      },
    });
    const received: Array<{ id: string; price: number }> = [];
    const waiters: Array<[number, () => void]> = [];
    source.onmessage = (event) => {
      received.push({ id: event.lastEventId, price: (JSON.parse(event.data) as PriceDto).price });
      for (const [count, resolve] of waiters) if (received.length === count) resolve();
    };
    const receivedCount = (count: number) =>
      new Promise<void>((resolve) =>
        received.length >= count ? resolve() : waiters.push([count, resolve]),
      );
    await new Promise<void>((resolve) => (source.onopen = () => resolve()));

    // Live across instances: published on B, delivered through A.
    for (let price = 1; price <= 3; price++)
      await hubOnB.publish('prices:NEST', { symbol: 'NEST', price });
    await receivedCount(3);

    // Cut off: A goes away; meanwhile B publishes; then the client reconnects to B.
    target = b.url;
    await a.app.close();
    for (let price = 4; price <= 8; price++)
      await hubOnB.publish('prices:NEST', { symbol: 'NEST', price });
    reconnect.resolve();
    await receivedCount(8);
    source.close();

    expect(received.map((event) => event.price)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(received.map((event) => event.id)).size).toBe(8);
    expect(lastEventIds).toEqual([null, received[2].id]);
    reconnect = new Deferred<void>();
  });
});
