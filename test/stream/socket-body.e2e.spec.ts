import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Query } from '@nestjs/common';
import { createParser } from 'eventsource-parser';
import { Agent, get, type IncomingMessage } from 'node:http';
import { EventStream } from 'nestjs-event-stream';
import { collectEvents } from 'nestjs-event-stream/testing';
import { ADAPTERS, NEST, startApp, type TestApp } from '../support/app.js';
import { rawRequest } from '../support/raw-request.js';

// After its first write, the writer sends a Node HTTP/1 response's body straight to the
// socket (lib/platform/socket-body.ts), framing the chunks itself: what a client sees
// must not tell the two paths apart.

// Multi-byte characters: a chunk's size is its length in bytes, not in characters.
const WORDS = ['héllo', '€ 1,000', '日本語', 'plain'];

@Controller()
class BodyController {
  @Get('words')
  @EventStream()
  async *words() {
    for (const word of WORDS) {
      // A turn of the event loop apart: one write (one chunk) each.
      await new Promise((resolve) => setImmediate(resolve));
      yield word;
    }
  }

  @Get('burst')
  @EventStream()
  *burst(@Query('n') n: string) {
    for (let i = 0; i < Number(n); i++) yield i;
  }
}

/** The data of each event in an SSE body, through a real client's parser. */
function eventData(body: string): string[] {
  const data: string[] = [];
  const parser = createParser({ onEvent: (event) => data.push(event.data) });
  parser.feed(body);
  return data;
}

/** An HTTP/1.0 GET on a raw socket, whose sending side stays open (a FIN would end it). */
function http10Get(url: string, path: string): Promise<string> {
  const { hostname } = new URL(url);
  return rawRequest(
    url,
    `GET ${path} HTTP/1.0\r\nHost: ${hostname}\r\nAccept: text/event-stream\r\n\r\n`,
    { halfClose: false },
  );
}

function getBody(url: string, agent: Agent): Promise<{ body: string; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent }, (response: IncomingMessage) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ body, reused: request.reusedSocket }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

describe.each(ADAPTERS)(`the body on the socket (%s, ${NEST})`, (adapter) => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp({ controllers: [BodyController] }, { adapter })));
  afterAll(() => t.app.close());

  it('frames chunks by their size in bytes (multi-byte characters)', async () => {
    const { events } = await collectEvents(t.url, '/words');
    expect(events.map((event) => JSON.parse(event.data))).toEqual(WORDS);
  });

  it('sends an HTTP/1.0 body unframed, until the connection closes', async () => {
    const answer = await http10Get(t.url, '/words');
    const [head, body] = [
      answer.slice(0, answer.indexOf('\r\n\r\n')),
      answer.slice(answer.indexOf('\r\n\r\n') + 4),
    ];
    expect(head).toMatch(/^HTTP\/1\.[01] 200/);
    expect(head.toLowerCase()).not.toContain('transfer-encoding');
    const words = eventData(Buffer.from(body, 'latin1').toString('utf8'));
    expect(words.map((data) => JSON.parse(data))).toEqual(WORDS);
  });

  it('leaves a kept-alive connection ready for the next request after the stream ends', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await getBody(`${t.url}/words`, agent);
      const second = await getBody(`${t.url}/words`, agent);
      expect(second.reused).toBe(true);
      for (const { body } of [first, second]) {
        expect(eventData(body).map((data) => JSON.parse(data))).toEqual(WORDS);
      }
    } finally {
      agent.destroy();
    }
  });

  it('a client slower than the server gets every event of a burst, in order', async () => {
    const n = 100_000; // ~1.4 MB: more than the socket buffers, so the writer waits for drains
    const agent = new Agent({ keepAlive: false });
    const { body } = await new Promise<{ body: string }>((resolve, reject) => {
      get(`${t.url}/burst?n=${n}`, { agent }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        // One chunk per turn of the event loop.
        response.on('data', (chunk: string) => {
          text += chunk;
          response.pause();
          setImmediate(() => response.resume());
        });
        response.on('end', () => resolve({ body: text }));
        response.on('error', reject);
      }).on('error', reject);
    });
    const data = eventData(body);
    expect(data).toHaveLength(n);
    expect(data.every((value, index) => value === String(index))).toBe(true);
  });
});
