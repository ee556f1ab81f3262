import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Param } from '@nestjs/common';
import { EventHub, EventStream, EventStreamModule, ServerSentEvent } from 'nestjs-event-stream';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADAPTERS, NEST, startApp, type TestApp } from '../support/app.js';
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
        controllers: [HubStreamController],
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
});
