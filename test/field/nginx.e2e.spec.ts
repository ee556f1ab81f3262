// The harness's nginx config (field/rolling-restart/nginx.ts, the one docs/operations.md
// recommends) in front of plain SSE upstreams: what each setting is there for.
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Nginx } from '../../field/rolling-restart/nginx.js';
import { freePort } from '../support/free-port.js';

/** nginx is run by CI (.ci/run installs it); a machine without it skips these tests. */
function nginxAvailable(): boolean {
  const found = spawnSync('nginx', ['-v']).status === 0;
  if (!found && process.env.CI)
    throw new Error('nginx is missing, and CI must run the field tests (.ci/run installs it)');
  if (!found) console.warn('nginx not found: field tests skipped (apt-get install nginx)');
  return found;
}

/** An SSE upstream that holds every stream open and records the requests' Last-Event-ID. */
class Upstream {
  readonly streams: ServerResponse[] = [];
  readonly lastEventIds: Array<string | undefined> = [];
  private server: Server | undefined;

  constructor(readonly port: number) {}

  async listen(): Promise<void> {
    // No X-Accel-Buffering header: the proxy's own settings must not buffer.
    this.server = createServer((req, res) => {
      this.lastEventIds.push(req.headers['last-event-id'] as string | undefined);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      this.streams.push(res);
    });
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
  }

  /** Stops taking connections; the streams it has stay open. */
  stopListening(): void {
    this.server?.close();
  }

  destroy(): void {
    for (const stream of this.streams) stream.destroy();
    this.server?.close();
  }
}

function get(url: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) =>
    request(url, { agent: false, headers }, resolve).on('error', reject).end(),
  );
}

async function nextChunk(response: IncomingMessage): Promise<string> {
  const [chunk] = (await once(response, 'data')) as [Buffer];
  return chunk.toString();
}

const run = nginxAvailable() ? describe : describe.skip;

run('nginx in front of two instances (field/rolling-restart/nginx.ts)', () => {
  let nginx: Nginx | undefined;
  const upstreams: Upstream[] = [];
  const responses: IncomingMessage[] = [];
  const start = async (serverParameters?: string) => {
    const [a, b] = [new Upstream(await freePort()), new Upstream(await freePort())];
    upstreams.push(a, b);
    nginx = await Nginx.start([a.port, b.port], serverParameters);
    return { a, b, url: `${nginx.url}/channels/prices` };
  };
  const open = async (url: string, headers?: Record<string, string>) => {
    const response = await get(url, headers);
    responses.push(response);
    return response;
  };
  afterEach(async () => {
    for (const response of responses.splice(0)) response.destroy();
    for (const upstream of upstreams.splice(0)) upstream.destroy();
    await nginx?.stop();
    nginx = undefined;
  });

  it('passes each event on as it is written, and the Last-Event-ID header to the instance', async () => {
    const { a, b, url } = await start();
    await Promise.all([a.listen(), b.listen()]);
    const response = await open(url, { 'Last-Event-ID': '1700000000000-7' });
    expect(response.statusCode).toBe(200);
    const [upstream] = [a, b].filter((candidate) => candidate.streams.length === 1);
    expect(upstream.lastEventIds).toEqual(['1700000000000-7']);

    // Each event arrives while the stream is open, before the next is written.
    for (const id of [8, 9]) {
      const chunk = nextChunk(response);
      upstream.streams[0].write(`id: 1700000000000-${id}\ndata: {}\n\n`);
      expect(await chunk).toBe(`id: 1700000000000-${id}\ndata: {}\n\n`);
    }
  });

  it('an instance that is down: every stream opens on the other one', async () => {
    const { b, url } = await start();
    await b.listen();
    const statuses = await Promise.all(
      Array.from({ length: 10 }, async () => (await open(url)).statusCode),
    );
    expect(statuses).toEqual(Array(10).fill(200));
    expect(b.streams).toHaveLength(10);
  });

  // The rolling restart: A was down once (a stream that tried it went on to B), is back,
  // and now B stops. nginx forgets A's failure only when a request to A completes, and
  // a stream does not complete.
  const restartInTurn = async (serverParameters: string) => {
    const { a, b, url } = await start(serverParameters);
    await b.listen();
    // Round robin: one of the two tries A first, fails, and goes on to B.
    for (let i = 0; i < 2; i++) expect((await open(url)).statusCode).toBe(200);
    await a.listen();
    b.stopListening();
    // Past fail_timeout (1 s) on nginx's clock, which counts whole seconds.
    await sleep(2100);
    const statuses = await Promise.all(
      Array.from({ length: 10 }, async () => (await open(url)).statusCode),
    );
    return { statuses, streamsOnA: a.streams.length };
  };

  it('with max_fails=0, every stream opens on the instance that came back while the other stops', async () => {
    const { statuses, streamsOnA } = await restartInTurn('max_fails=0');
    expect(statuses).toEqual(Array(10).fill(200));
    expect(streamsOnA).toBe(10);
  });

  it("with max_fails=1 (nginx's default), the instance that came back takes one stream per fail_timeout, and the rest get 502", async () => {
    const { statuses, streamsOnA } = await restartInTurn('max_fails=1 fail_timeout=1s');
    expect(streamsOnA).toBe(1);
    expect(statuses.filter((status) => status === 502)).toHaveLength(9);
  });
});
