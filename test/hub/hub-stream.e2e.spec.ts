import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { EventSource } from 'eventsource';
import {
  EventHub,
  EventStream,
  EventStreamModule,
  LastEventId,
  ServerSentEvent,
} from 'nestjs-event-stream';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADAPTERS, NEST, startApp, type TestApp } from '../support/app.js';
import { Deferred } from '../support/deferred.js';
import { fetchRaw } from '../support/http.js';

// Hub streams take the push path: the hub hands each event to the stream's writer from
// its publish loop while the socket takes writes, and falls back to its queue otherwise.
@Controller('hub')
class HubStreamController {
  constructor(private readonly hub: EventHub) {}

  @Get(':channel')
  @EventStream({ commitAfter: 0 })
  stream(@Param('channel') channel: string) {
    return this.hub.subscribe(channel);
  }
}

/** The requests each generation route was sent, by channel, with their Last-Event-ID. */
const requests = new Map<string, Array<string | undefined>>();

// Generations: channels that end. The default commitAfter, so that a subscription that
// ends before its first event is a 204, not an empty 200 stream.
@Controller('generations')
class GenerationController {
  constructor(private readonly hub: EventHub) {}

  /** ?rewind=N|all for a client without Last-Event-ID. */
  @Get(':channel')
  @EventStream({ retry: 10 })
  stream(
    @Param('channel') channel: string,
    @LastEventId() lastEventId?: string,
    @Query('rewind') rewind?: string,
  ) {
    requests.set(channel, [...(requests.get(channel) ?? []), lastEventId]);
    return this.hub.subscribe(channel, {
      lastEventId,
      rewind: rewind === undefined || rewind === 'all' ? rewind : Number(rewind),
    });
  }

  /** For clients that read every frame's data, whatever its event name (the AI SDK). */
  @Get(':channel/chunks')
  @EventStream()
  chunks(@Param('channel') channel: string, @LastEventId() lastEventId?: string) {
    return this.hub.subscribe(channel, {
      lastEventId,
      rewind: 'all',
      historyLostEvent: () =>
        new ServerSentEvent({ data: { type: 'error', errorText: 'Part of the answer is lost.' } }),
    });
  }

  @Get(':channel/quiet')
  @EventStream()
  quiet(@Param('channel') channel: string, @LastEventId() lastEventId?: string) {
    return this.hub.subscribe(channel, { lastEventId, historyLostEvent: () => undefined });
  }
}

const MEGABYTE = 'x'.repeat(1024 * 1024);
const MAX_QUEUED = 50;

/** Resolves once `done()` holds (checked every few ms, for up to 5 s). */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; waited < 5000 && !done(); waited += 5) await sleep(5);
  expect(done()).toBe(true);
}

describe.each(ADAPTERS)(`hub streams (%s, ${NEST})`, (adapter) => {
  let t: TestApp;
  let hub: EventHub;
  beforeAll(async () => {
    t = await startApp(
      {
        imports: [EventStreamModule.forRoot({ hub: { maxQueuedEvents: MAX_QUEUED } })],
        controllers: [HubStreamController, GenerationController],
      },
      { adapter },
    );
    hub = t.app.get(EventHub);
  });
  afterAll(() => t.app.close());

  it('a reader that stalls while megabyte events are published gets all of them, in order, once it reads again', async () => {
    const { port } = new URL(t.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.write(
      `GET /hub/stall-${adapter} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
    );
    await new Promise((resolve) => socket.once('data', resolve)); // the headers
    socket.pause();
    // Far more than the socket's buffers take, fewer than the subscription may queue.
    for (let i = 0; i < 20; i++)
      await hub.publish(
        `stall-${adapter}`,
        new ServerSentEvent({ event: `e${i}`, rawData: MEGABYTE }),
      );
    const names: string[] = [];
    let tail = '';
    socket.setEncoding('latin1');
    await new Promise<void>((resolve) => {
      socket.on('data', (chunk: string) => {
        // Event names, also one split across two chunks.
        const text = tail + chunk;
        for (const [name] of text.matchAll(/event: e\d+\n/g)) names.push(name);
        tail = text.slice(-12).replace(/^[\s\S]*\n/, '');
        if (names.length >= 20) resolve();
      });
      socket.resume();
    });
    expect(names).toEqual(Array.from({ length: 20 }, (_, i) => `event: e${i}\n`));
    socket.destroy();
  });

  it('a reader that stays stalled past the bound is ended, and its subscription freed', async () => {
    const { port } = new URL(t.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.write(
      `GET /hub/bound-${adapter} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
    );
    await new Promise((resolve) => socket.once('data', resolve));
    socket.pause();
    const before = hub.subscriberCount;
    for (let i = 0; i < MAX_QUEUED + 20; i++)
      await hub.publish(`bound-${adapter}`, new ServerSentEvent({ rawData: MEGABYTE }));
    expect(hub.subscriberCount).toBe(before - 1);
    socket.destroy();
  });

  it('an event that cannot be encoded ends the stream with an error event, and frees the subscription', async () => {
    const before = hub.subscriberCount;
    const response = fetchRaw(`${t.url}/hub/bad-${adapter}`);
    await until(() => hub.subscriberCount === before + 1);
    await hub.publish(`bad-${adapter}`, { fine: true });
    await hub.publish(`bad-${adapter}`, { amount: 10n });
    const { status, body } = await response;
    expect(status).toBe(200);
    expect(body).toMatch(/^data: \{"fine":true\}\n\n/m);
    expect(body).toMatch(
      /event: error\ndata: \{"statusCode":500,"message":"Internal server error"\}\n\n$/,
    );
    expect(hub.subscriberCount).toBe(before);
  });

  it('a client that leaves frees its subscription', async () => {
    const before = hub.subscriberCount;
    const response = fetchRaw(`${t.url}/hub/leave-${adapter}`, {
      until: (body) => body.includes('"hello"'),
    });
    await until(() => hub.subscriberCount === before + 1);
    await hub.publish(`leave-${adapter}`, 'hello');
    await response; // disconnects once the event is in
    await until(() => hub.subscriberCount === before);
  });

  describe('generations', () => {
    const frames = (body: string) =>
      body
        .split('\n\n')
        .filter((frame) => frame.includes('data:'))
        .map((frame) => frame.replace(/^id: .*\n/, ''));

    it('complete() ends a live stream after the events published before it, with 200', async () => {
      const channel = `live-${adapter}`;
      const marker = await hub.publish(channel, 'marker');
      const before = hub.subscriberCount;
      const response = fetchRaw(`${t.url}/generations/${channel}`, {
        headers: { 'Last-Event-ID': marker },
      });
      await until(() => hub.subscriberCount === before + 1);
      await hub.publish(channel, 'one');
      await hub.publish(channel, 'two');
      await hub.complete(channel);
      const { status, body } = await response;
      expect(status).toBe(200);
      expect(frames(body)).toEqual(['data: "one"', 'data: "two"']);
      expect(hub.subscriberCount).toBe(before);
    });

    it('a completed channel replays after Last-Event-ID, then the response ends', async () => {
      const channel = `replay-${adapter}`;
      const first = await hub.publish(channel, 'one');
      await hub.publish(channel, 'two');
      await hub.complete(channel);
      const { status, body } = await fetchRaw(`${t.url}/generations/${channel}`, {
        headers: { 'Last-Event-ID': first },
      });
      expect(status).toBe(200);
      expect(frames(body)).toEqual(['data: "two"']);
    });

    it.each([
      { what: 'nothing after its Last-Event-ID', name: 'read', query: '', fromLast: true },
      { what: 'no Last-Event-ID and no rewind', name: 'live', query: '', fromLast: false },
      { what: 'nothing to rewind', name: 'empty', query: '?rewind=all', noEvent: true },
    ])('a completed channel with $what is answered 204 No Content', async (route) => {
      const channel = `ended-${route.name}-${adapter}`;
      const last = route.noEvent ? undefined : await hub.publish(channel, 'one');
      await hub.complete(channel);
      const { status, headers, body } = await fetchRaw(
        `${t.url}/generations/${channel}${route.query}`,
        { headers: route.fromLast ? { 'Last-Event-ID': last! } : {} },
      );
      expect(status).toBe(204);
      expect(headers['content-type']).toBeUndefined();
      expect(body).toBe('');
    });

    it('rewind: the last N events, then live', async () => {
      const channel = `recent-${adapter}`;
      for (let i = 1; i <= 5; i++) await hub.publish(channel, i);
      let published = false;
      const { body } = await fetchRaw(`${t.url}/generations/${channel}?rewind=2`, {
        until: (body) => {
          // The rewind is in, so the subscriber is live.
          if (!published && body.includes('data: 5')) {
            published = true;
            void hub.publish(channel, 6);
          }
          return body.includes('data: 6');
        },
      });
      expect(frames(body)).toEqual(['data: 4', 'data: 5', 'data: 6']);
    });

    it('a route shapes the history-lost frame for clients that ignore event names, or drops it', async () => {
      const channel = `lost-${adapter}`;
      await hub.publish(channel, 'one');
      await hub.complete(channel);
      const stale = { headers: { 'Last-Event-ID': 'stale' } };
      const shaped = await fetchRaw(`${t.url}/generations/${channel}/chunks`, stale);
      expect(frames(shaped.body)).toEqual([
        'data: {"type":"error","errorText":"Part of the answer is lost."}',
        'data: "one"',
      ]);
      const quiet = await fetchRaw(`${t.url}/generations/${channel}/quiet`, stale);
      expect(frames(quiet.body)).toEqual(['data: "one"']);
      const unshaped = await fetchRaw(`${t.url}/generations/${channel}`, stale);
      expect(frames(unshaped.body)).toEqual([
        'event: history-lost\ndata: {"lastEventId":"stale"}',
        'data: "one"',
      ]);
    });

    it('a reconnecting EventSource gets every event once, then a 204, then sends no more requests', async () => {
      const channel = `eventsource-${adapter}`;
      await hub.publish(channel, 'one');
      await hub.publish(channel, 'two');
      const received: Array<{ id: string; data: unknown }> = [];
      const closed = new Deferred<void>();
      const source = new EventSource(`${t.url}/generations/${channel}?rewind=all`);
      source.onmessage = (event) => {
        received.push({ id: event.lastEventId, data: JSON.parse(event.data) });
        // The rewind is in: the rest of the generation, live, then its end.
        if (received.length === 2)
          void hub.publish(channel, 'three').then(() => hub.complete(channel));
      };
      source.onerror = () => source.readyState === EventSource.CLOSED && closed.resolve();
      await closed.promise;
      expect(received.map((event) => event.data)).toEqual(['one', 'two', 'three']);
      expect(new Set(received.map((event) => event.id)).size).toBe(3);
      // The first request, then the reconnection from the last id, answered 204.
      expect(requests.get(channel)).toEqual([undefined, received[2].id]);
      // A bounded negative check: no further request comes (the route's retry is 10 ms).
      await sleep(2000);
      expect(requests.get(channel)).toHaveLength(2);
      source.close();
    });
  });
});
