import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  Controller,
  Get,
  Injectable,
  Module,
  ParseIntPipe,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type MiddlewareConsumer,
  type NestInterceptor,
  type NestModule,
} from '@nestjs/common';
import { EventSource } from 'eventsource';
import {
  EventStream,
  EventStreamModule,
  EventStreamSignal,
  LastEventId,
  ServerSentEvent,
} from 'nestjs-event-stream';
import { collectEvents } from 'nestjs-event-stream/testing';
import { request, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { from, Observable, switchMap } from 'rxjs';
import { ADAPTERS, NEST, startApp, type TestApp } from '../support/app.js';
import { Deferred } from '../support/deferred.js';
import { fetchRaw } from '../support/http.js';
import { RecordingLogger } from '../support/recording-logger.js';

const MEGABYTE = 'x'.repeat(1024 * 1024);
/** What the routes report to the tests; fresh for each test. */
const freshProbe = () => ({
  finallyAt: new Deferred<number>(),
  aborted: new Deferred<string>(),
  parkedFinally: new Deferred<void>(),
  pulls: 0,
  teardown: new Deferred<void>(),
  lastEventIds: [] as Array<string | undefined>,
  reconnected: new Deferred<string | undefined>(),
  writes: 0,
  inSetup: new Deferred<void>(),
  clientLeftDuringSetup: new Deferred<void>(),
  proceed: new Deferred<void>(),
  sourceClosed: new Deferred<void>(),
});
const probe = freshProbe();

/** Holds the request until the test lets it through, telling when the client has left. */
@Injectable()
class GateInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response = context
      .switchToHttp()
      .getResponse<{ raw?: ServerResponse } & ServerResponse>();
    (response.raw ?? response).once('close', () => probe.clientLeftDuringSetup.resolve());
    probe.inSetup.resolve();
    return from(probe.proceed.promise).pipe(switchMap(() => next.handle()));
  }
}

@Controller()
class LifecycleController {
  @Get('infinite')
  @EventStream()
  async *infinite() {
    try {
      for (let i = 0; ; i++) {
        yield i;
        await sleep(50);
      }
    } finally {
      probe.finallyAt.resolve(performance.now());
    }
  }

  @Get('parked')
  @EventStream()
  async *parked(@EventStreamSignal() signal: AbortSignal) {
    try {
      yield 'waiting';
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      probe.aborted.resolve(String(signal.reason?.name ?? signal.aborted));
    } finally {
      probe.parkedFinally.resolve();
    }
  }

  @Get('megabytes')
  @EventStream()
  async *megabytes() {
    for (let i = 0; i < 100; i++) {
      probe.pulls++;
      yield new ServerSentEvent({ rawData: MEGABYTE });
    }
  }

  @Get('quiet-observable')
  @EventStream()
  quietObservable() {
    return new Observable<string>((subscriber) => {
      subscriber.next('subscribed');
      return () => probe.teardown.resolve();
    });
  }

  @Get('flood')
  @EventStream()
  flood() {
    return new Observable<string>((subscriber) => {
      const timer = setInterval(() => {
        for (let i = 0; i < 64; i++) subscriber.next(MEGABYTE.slice(0, 16 * 1024));
      });
      return () => {
        clearInterval(timer);
        probe.teardown.resolve();
      };
    });
  }

  // Below @EventStream(), so it runs before (outside) the stream's interceptor.
  @Get('slow-setup')
  @EventStream()
  @UseInterceptors(GateInterceptor)
  slowSetup(): AsyncIterable<number> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          probe.pulls++;
          return { value: 1, done: false };
        },
        return: async () => {
          probe.sourceClosed.resolve();
          return { value: undefined, done: true };
        },
      }),
    };
  }

  @Get('endless')
  @EventStream()
  async *endless() {
    for (let i = 0; ; i++) {
      yield i;
      await sleep(20);
    }
  }

  @Get('ten')
  @EventStream()
  async *ten() {
    for (let i = 0; i < 10; i++) {
      yield i;
      await sleep(1);
    }
  }

  @Get('burst')
  @EventStream()
  *burst() {
    for (let i = 0; i < 1000; i++) yield i;
  }

  @Get('last-event-id')
  @EventStream()
  *lastEventId(@LastEventId() id?: string) {
    yield { id: id ?? null };
  }

  @Get('last-event-id-int')
  @EventStream()
  *lastEventIdInt(@LastEventId(ParseIntPipe) id: number) {
    yield { next: id + 1 };
  }

  @Get('resumable')
  @EventStream({ retry: 10 })
  *resumable(@LastEventId() id?: string) {
    probe.lastEventIds.push(id);
    if (id !== undefined) return probe.reconnected.resolve(id);
    yield new ServerSentEvent({ id: 'first', data: 1 });
    yield new ServerSentEvent({ id: 'second', data: 2 });
  }
}

@Module({
  imports: [EventStreamModule.forRoot({ maxBufferedBytes: 256 * 1024 })],
  controllers: [LifecycleController],
})
class LifecycleModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // Counts writes to the socket, to see frames coalesced.
    consumer
      .apply((req: unknown, res: { write: (...args: unknown[]) => boolean }, next: () => void) => {
        const write = res.write;
        res.write = function (this: unknown, ...args: unknown[]) {
          probe.writes++;
          return write.apply(this, args);
        };
        next();
      })
      .forRoutes('burst');
  }
}

describe.each(ADAPTERS)(`lifecycle (%s, ${NEST})`, (adapter) => {
  let t: TestApp;
  const logger = new RecordingLogger();
  beforeAll(
    async () =>
      (t = await startApp(
        { imports: [LifecycleModule] },
        { adapter, configure: (app) => app.useLogger(logger) },
      )),
  );
  afterAll(() => t.app.close());
  beforeEach(() => {
    Object.assign(probe, freshProbe());
    logger.entries.splice(0);
  });

  it('a client disconnect closes an infinite generator within 100 ms', async () => {
    await fetchRaw(`${t.url}/infinite`, { until: (body) => body.includes('data: 2\n\n') });
    const closedAt = performance.now();
    const finallyAt = await probe.finallyAt.promise;
    expect(finallyAt - closedAt).toBeLessThan(100);
  });

  it('a client disconnect unsubscribes from an Observable that is waiting for its next value', async () => {
    await fetchRaw(`${t.url}/quiet-observable`, { until: (body) => body.includes('"subscribed"') });
    await probe.teardown.promise;
  });

  it('a client disconnect aborts the signal of a generator parked on an await', async () => {
    await fetchRaw(`${t.url}/parked`, { until: (body) => body.includes('"waiting"') });
    await expect(probe.aborted.promise).resolves.toBe('AbortError');
    await probe.parkedFinally.promise;
  });

  it('a client that leaves during a slow interceptor: the source is closed unread', async () => {
    const client = request(`${t.url}/slow-setup`);
    client.on('error', () => undefined);
    client.end();
    await probe.inSetup.promise;
    client.destroy();
    await probe.clientLeftDuringSetup.promise;
    probe.proceed.resolve();
    await probe.sourceClosed.promise;
    expect(probe.pulls).toBe(0);
  });

  it('a stalled reader pauses the generator, which completes once the reader resumes', async () => {
    const { port } = new URL(t.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.write('GET /megabytes HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    let received = 0;
    let tail = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      tail = (tail + chunk.toString('latin1')).slice(-16);
    });
    await new Promise((resolve) => socket.once('data', resolve));
    socket.pause();
    // However long the stall, the producer must stay parked: the bound below does not
    // depend on timing.
    await sleep(300);
    expect(probe.pulls).toBeLessThan(64);
    socket.resume();
    await new Promise((resolve) => socket.once('end', resolve));
    expect(probe.pulls).toBe(100);
    expect(received).toBeGreaterThan(100 * MEGABYTE.length);
    expect(tail).toMatch(/\n\n\r\n0\r\n\r\n$/); // the last frame, then the chunked terminator
  });

  it('an Observable that outruns its client is dropped past maxBufferedBytes, with a warning', async () => {
    const response = await new Promise<import('node:http').IncomingMessage>((resolve) =>
      request(`${t.url}/flood`, resolve).end(),
    );
    response.pause();
    await probe.teardown.promise;
    await new Promise((resolve) => response.once('close', resolve).resume());
    expect(logger.entries).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: expect.stringMatching(
          /^LifecycleController\.flood: dropped the client, client did not keep up: \d+ bytes unsent, over the limit of 262144$/,
        ),
      }),
    ]);
  });

  it('writes the frames of one tick together', async () => {
    const { events } = await collectEvents(t.url, '/burst');
    expect(events).toHaveLength(1000);
    expect(probe.writes).toBeLessThanOrEqual(2);
  });

  it('app.close() ends open streams promptly, and each client sees its end', async () => {
    const { app, url } = await startApp({ controllers: [LifecycleController] }, { adapter });
    const clients = Array.from({ length: 20 }, () =>
      fetchRaw(`${url}/endless`, { until: () => false }).then((response) => response.body),
    );
    await Promise.all(Array.from({ length: 20 }, () => collectEvents(url, '/ten', { count: 1 })));
    const started = performance.now();
    await app.close();
    expect(performance.now() - started).toBeLessThan(2000);
    for (const body of await Promise.all(clients)) expect(body).toMatch(/^:\n\ndata: 0\n\n/);
  });

  it('200 concurrent clients each get every event', async () => {
    const streams = await Promise.all(
      Array.from({ length: 200 }, () => collectEvents(t.url, '/ten', { timeoutMs: 15_000 })),
    );
    for (const stream of streams)
      expect(stream.events.map((e) => e.data)).toEqual([
        '0',
        '1',
        '2',
        '3',
        '4',
        '5',
        '6',
        '7',
        '8',
        '9',
      ]);
  });

  it('@LastEventId() hands the method the header, or undefined', async () => {
    expect((await collectEvents(t.url, '/last-event-id')).events[0].data).toBe('{"id":null}');
    const resumed = await collectEvents(t.url, '/last-event-id', {
      headers: { 'Last-Event-ID': 'evt-41' },
    });
    expect(resumed.events[0].data).toBe('{"id":"evt-41"}');
  });

  it('@LastEventId(ParseIntPipe) parses, and a bad value is a 400 before any stream', async () => {
    const resumed = await collectEvents(t.url, '/last-event-id-int', {
      headers: { 'Last-Event-ID': '41' },
    });
    expect(resumed.events[0].data).toBe('{"next":42}');
    const bad = await fetchRaw(`${t.url}/last-event-id-int`, { headers: { 'Last-Event-ID': 'x' } });
    expect(bad.status).toBe(400);
  });

  it('a reconnecting EventSource sends back the last id it saw', async () => {
    const source = new EventSource(`${t.url}/resumable`);
    const seen: string[] = [];
    source.onmessage = (event) => seen.push(event.lastEventId);
    await expect(probe.reconnected.promise).resolves.toBe('second');
    source.close();
    expect(seen).toEqual(['first', 'second']);
    expect(probe.lastEventIds).toEqual([undefined, 'second']);
  });
});
