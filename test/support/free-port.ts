import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

// Below the kernel's range for outgoing connections: a port from that range, free while
// its server restarts, can be taken as the source port of any connection (the field
// test's thousands of proxy connections did), and the restart then fails EADDRINUSE.
const FIRST = 10_000;
const END = ephemeralPortsStart();

function ephemeralPortsStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]);
  } catch {
    return 32_768;
  }
}

/** A loopback port nobody listens on now, outside the ephemeral range (the caller binds it soon after). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = FIRST + Math.floor(Math.random() * (END - FIRST));
    const server = createServer();
    const outcome = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!outcome) continue;
    server.close();
    await once(server, 'close');
    return port;
  }
}

/** What a server says (redis-server, nginx) when the port it should listen on is taken. */
const IN_USE = 'Address already in use';
const PORT_ATTEMPTS = 5;

/**
 * `start(port)` on a free port, and again on another when it fails because the port
 * was taken before the server bound it (by another test file's server, started at the
 * same moment), up to 5 times.
 */
export async function onFreePort<T>(start: (port: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (attempt === PORT_ATTEMPTS || !(error as Error).message?.includes(IN_USE)) throw error;
    }
  }
}
