import { describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import { EventHub, EventStream, EventStreamModule } from 'nestjs-event-stream';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { DRAIN_EVENT_WAIT } from '../../lib/stream/open-streams.js';
import { ADAPTERS, NEST, startApp } from '../support/app.js';
import { fetchRaw } from '../support/http.js';

const STREAMS = 1000;

@Controller()
class EndlessController {
  @Get('endless')
  @EventStream({ keepAlive: false })
  async *endless() {
    for (let i = 0; ; i++) {
      yield i;
      await sleep(1000);
    }
  }
}

function connectTo(url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.destroy();
      resolve();
    }).on('error', reject);
  });
}

@Controller()
class ChannelController {
  constructor(private readonly hub: EventHub) {}

  @Get('channel')
  @EventStream({ keepAlive: false })
  channel() {
    return this.hub.subscribe('drained');
  }
}

/** Opens `count` streams; resolves once each has its first event, with a promise per stream of its end. */
async function openStreams(url: string, count: number): Promise<Array<Promise<string>>> {
  const ends: Array<Promise<string>> = [];
  const firsts: Array<Promise<void>> = [];
  for (let i = 0; i < count; i++) {
    let first!: () => void;
    firsts.push(new Promise((resolve) => (first = resolve)));
    ends.push(
      new Promise((resolve, reject) => {
        request(`${url}/endless`, { agent: false }, (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            body += chunk;
            first();
          });
          // 'end' means the server ended the stream properly (not a reset).
          response.on('end', () => resolve(body));
          response.on('error', reject);
        })
          .on('error', reject)
          .end();
      }),
    );
  }
  await Promise.all(firsts);
  return ends;
}

describe.each(ADAPTERS)(`shutdown (%s, ${NEST})`, (adapter) => {
  it(`app.close() with ${STREAMS} open streams resolves in < 2 s, and every client sees its stream end`, async () => {
    const { app, url } = await startApp({ controllers: [EndlessController] }, { adapter });
    const ends = await openStreams(url, STREAMS);
    const started = performance.now();
    await app.close();
    const closeMs = performance.now() - started;
    const bodies = await Promise.all(ends);
    expect(closeMs).toBeLessThan(2000);
    expect(bodies.every((body) => body.startsWith(':\n\ndata: 0\n\n'))).toBe(true);
  }, 30_000);

  it('shutdownDrain spreads the ends over its window, then app.close() resolves', async () => {
    const { app, url } = await startApp(
      {
        imports: [EventStreamModule.forRoot({ shutdownDrain: 1000 })],
        controllers: [EndlessController],
      },
      { adapter },
    );
    const ends = await openStreams(url, 10);
    const endedAt: number[] = [];
    for (const end of ends) void end.then(() => endedAt.push(performance.now()));
    const started = performance.now();
    const closed = app.close();
    // It stops taking connections as the drain begins: a proxy sends new clients elsewhere.
    await expect(connectTo(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await closed;
    const closedAt = performance.now();
    const bodies = await Promise.all(ends);
    expect(bodies.every((body) => body.startsWith(':\n\ndata: 0\n\n'))).toBe(true);
    // Ten turns 100 ms apart; a stream with no event due (one a second) ends
    // DRAIN_EVENT_WAIT after its turn, the last two at the window's end.
    expect(Math.max(...endedAt) - Math.min(...endedAt)).toBeGreaterThanOrEqual(600);
    expect(closedAt - started).toBeGreaterThanOrEqual(1000);
    expect(Math.min(...endedAt) - started).toBeGreaterThanOrEqual(DRAIN_EVENT_WAIT - 10);
  }, 30_000);

  it('a draining stream ends right after its next event, so its client has every id', async () => {
    const { app, url } = await startApp(
      {
        imports: [EventStreamModule.forRoot({ shutdownDrain: 1000 })],
        controllers: [ChannelController],
      },
      { adapter },
    );
    const hub = app.get(EventHub);
    const body = fetchRaw(`${url}/channel`);
    while (hub.subscriberCount < 1) await new Promise((resolve) => setImmediate(resolve));
    const closed = app.close();
    // The listener closes as the drain begins, and the only stream's turn is at once.
    await expect(connectTo(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    // The first event ends it, the second is not for it.
    const first = await hub.publish('drained', 'first');
    await hub.publish('drained', 'second');
    expect((await body).body).toBe(`:\n\nid: ${first}\ndata: "first"\n\n`);
    await closed;
  });

  it('the streams a drain has not ended yet still get their events', async () => {
    const { app, url } = await startApp(
      {
        imports: [EventStreamModule.forRoot({ shutdownDrain: 600 })],
        controllers: [ChannelController],
      },
      { adapter },
    );
    const hub = app.get(EventHub);
    const bodies = [0, 1].map(() => fetchRaw(`${url}/channel`));
    while (hub.subscriberCount < 2) await new Promise((resolve) => setImmediate(resolve));
    const closed = app.close();
    // The first ends at once, the second 300 ms later: what comes in between reaches it.
    const ended = await Promise.race(bodies.map((body, index) => body.then(() => index)));
    await hub.publish('drained', 'during the drain');
    const other = await bodies[1 - ended];
    await closed;
    expect(other.body).toMatch(/^:\n\nid: .+\ndata: "during the drain"\n\n$/);
  });

  it('enableShutdownHooks() + SIGTERM ends every stream and lets the process exit', async () => {
    const child = spawn(
      process.execPath,
      ['--import', './test/support/register-swc.mjs', 'test/fixtures/shutdown-app.ts'],
      {
        cwd: resolve(import.meta.dirname, '../..'),
        env: { ...process.env, ADAPTER: adapter, NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const { port } = JSON.parse((await lines.next()).value as string) as { port: number };
    const ends = await openStreams(`http://127.0.0.1:${port}`, 100);
    const exited = new Promise<[number | null, string | null]>((resolve) =>
      child.on('exit', (code, signal) => resolve([code, signal])),
    );
    child.kill('SIGTERM');
    const report = JSON.parse((await lines.next()).value as string) as {
      open: number;
      ended: number;
      closeMs: number;
    };
    const bodies = await Promise.all(ends);
    expect(await exited).toEqual([null, 'SIGTERM']);
    expect(report).toEqual({ open: 100, ended: 100, closeMs: expect.any(Number) });
    expect(report.closeMs).toBeLessThan(2000);
    expect(bodies.every((body) => body.startsWith(':\n\ndata: 0\n\n'))).toBe(true);
  }, 30_000);
});
