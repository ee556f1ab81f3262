// Found by the rolling-restart field test (field/rolling-restart): under load, a request
// whose connection was accepted before app.close() is handled after the streams were
// ended (the reconnect of a client that had just lost the other instance). Nothing ends
// that stream: Nest waits for the HTTP server to close before the onApplicationShutdown
// hooks (the EventHub's among them), so app.close() would hang until the client left.
import { describe, expect, it } from '@jest/globals';
import { Controller, Get, UseGuards, type CanActivate } from '@nestjs/common';
import { EventStream } from 'nestjs-event-stream';
import type { Server } from 'node:http';
import { request, type ClientRequest } from 'node:http';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { ADAPTERS, NEST, startApp } from '../support/app.js';
import { Deferred } from '../support/deferred.js';

const CLOSE_LIMIT_MS = 2000;

/** Holds each request until the test lets it through. */
class GateGuard implements CanActivate {
  static entered = new Deferred();
  static open = new Deferred();

  async canActivate(): Promise<boolean> {
    GateGuard.entered.resolve();
    await GateGuard.open.promise;
    return true;
  }
}

@Controller()
class EndlessController {
  @Get('endless')
  @UseGuards(GateGuard)
  @EventStream({ keepAlive: false })
  async *endless() {
    for (let i = 0; ; i++) {
      yield i;
      await sleep(100);
    }
  }
}

describe.each(ADAPTERS)(`shutdown race (%s, ${NEST})`, (adapter) => {
  it('a stream that starts after app.close() ended the open ones is ended too: app.close() resolves', async () => {
    GateGuard.entered = new Deferred();
    GateGuard.open = new Deferred();
    const { app, url } = await startApp({ controllers: [EndlessController] }, { adapter });
    let client: ClientRequest | undefined;
    try {
      client = request(`${url}/endless`, { agent: false }).on('error', () => undefined);
      client.end();
      await GateGuard.entered.promise;

      const closed = app.close().then(() => 'closed' as const);
      // The listener closes after the beforeApplicationShutdown hooks have run.
      const server = app.getHttpServer() as Server;
      while (server.listening) await nextTurn();
      GateGuard.open.resolve();

      const outcome = await Promise.race([
        closed,
        sleep(CLOSE_LIMIT_MS).then(() => 'still closing' as const),
      ]);
      expect(outcome).toBe('closed');
    } finally {
      // Lets a hung close finish.
      client?.destroy();
      GateGuard.open.resolve();
    }
  });
});
