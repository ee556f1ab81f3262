import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import { EventStream, EventStreamModule } from 'nestjs-event-stream';
import { existsSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { concat, NEVER, of } from 'rxjs';
import { ADAPTERS, NEST, startApp, type TestApp } from '../support/app.js';
import { Deferred } from '../support/deferred.js';
import { fetchRaw } from '../support/http.js';
import { RecordingLogger } from '../support/recording-logger.js';

const MEGABYTE = 'x'.repeat(1024 * 1024);

/**
 * The kernel's timer on a loopback TCP connection, from /proc/net/tcp: '02' while
 * keep-alive probes are armed on an idle socket, '00' with none (Linux).
 */
function tcpTimer(localPort: number, remotePort: number): string | undefined {
  const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const [, local, remote, , , timer] = line.trim().split(/\s+/);
    if (local?.endsWith(`:${hex(localPort)}`) && remote?.endsWith(`:${hex(remotePort)}`))
      return timer.split(':')[0];
  }
  return undefined;
}
const linuxOnly = existsSync('/proc/net/tcp') ? it : it.skip;
const fresh = () => ({ finally: new Deferred<void>(), pulls: 0 });
let probe = fresh();

@Controller()
class ConnectionsController {
  @Get('jittered')
  @EventStream({ retry: { min: 1000, max: 1010 }, keepAlive: false })
  *jittered() {
    yield 'one';
  }

  @Get('megabytes')
  @EventStream({ stallTimeout: 200, keepAlive: false })
  async *megabytes() {
    try {
      for (;;) {
        probe.pulls++;
        yield MEGABYTE;
      }
    } finally {
      probe.finally.resolve();
    }
  }

  @Get('idle')
  @EventStream({ keepAlive: false })
  idle() {
    return concat(of('one'), NEVER);
  }

  @Get('module-defaults')
  @EventStream()
  *moduleDefaults() {
    yield 'x';
  }
}

describe.each(ADAPTERS)(`connections in production (%s, ${NEST})`, (adapter) => {
  let t: TestApp;
  const logger = new RecordingLogger();
  beforeAll(
    async () =>
      (t = await startApp(
        {
          imports: [EventStreamModule.forRoot({ retry: { min: 5, max: 5 } })],
          controllers: [ConnectionsController],
        },
        { adapter, configure: (app) => app.useLogger(logger) },
      )),
  );
  afterAll(() => t.app.close());
  beforeEach(() => {
    probe = fresh();
    logger.entries.splice(0);
  });

  it('draws a retry per stream from { min, max }', async () => {
    const retries = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const { body } = await fetchRaw(`${t.url}/jittered`);
      const retry = Number(/^:\nretry: (\d+)\n\n/.exec(body)?.[1]);
      expect(retry).toBeGreaterThanOrEqual(1000);
      expect(retry).toBeLessThanOrEqual(1010);
      retries.add(retry);
    }
    // 20 draws from 11 values: all alike has a chance of 11^-19.
    expect(retries.size).toBeGreaterThan(1);
  });

  linuxOnly(
    'turns TCP keep-alive on for a stream socket, so that a vanished peer is found',
    async () => {
      const port = Number(new URL(t.url).port);
      const socket: Socket = connect(port, '127.0.0.1');
      socket.write('GET /idle HTTP/1.1\r\nHost: localhost\r\n\r\n');
      await new Promise((resolve) => socket.once('data', resolve));
      // The server's end of the connection probes; the client's own end (no keep-alive) does not.
      expect(tcpTimer(port, socket.localPort!)).toBe('02');
      expect(tcpTimer(socket.localPort!, port)).toBe('00');
      socket.destroy();
    },
  );

  it('takes a retry range from forRoot as the default', async () => {
    expect((await fetchRaw(`${t.url}/module-defaults`)).body).toBe(':\nretry: 5\n\ndata: "x"\n\n');
  });

  it('cuts a client that stops reading after stallTimeout, closes its source and warns once', async () => {
    const { port } = new URL(t.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.write('GET /megabytes HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await new Promise((resolve) => socket.once('data', resolve));
    socket.pause();
    // Cut from the server's side: the generator's finally runs without the client leaving.
    await probe.finally.promise;
    expect(probe.pulls).toBeLessThan(64);
    expect(logger.entries).toEqual([
      {
        level: 'warn',
        message: 'ConnectionsController.megabytes: cut a client that read nothing for 200 ms',
        detail: expect.any(String),
      },
    ]);
    socket.destroy();
  });
});

describe('connection option validation', () => {
  it.each([
    [{ retry: { min: 10, max: 5 } }, '"retry.max" must be at least retry.min (10), got 5'],
    [
      { retry: { min: -1, max: 5 } },
      '"retry.min" must be a non-negative integer (milliseconds), got -1',
    ],
    [
      { stallTimeout: 0 },
      '"stallTimeout" must be a positive integer (milliseconds) or false, got 0',
    ],
    [{ maxLifetime: 1.5 }, '"maxLifetime" must be a positive integer (milliseconds), got 1.5'],
  ])('@EventStream(%p) throws', (options, message) => {
    expect(() => EventStream(options as never)).toThrow(`@EventStream(): ${message}`);
  });
});
