// What an instance that takes long to close waits for: the requests still open, and
// when each arrived relative to the SIGTERM (one handled after it, on a connection
// accepted before the listener closed, is a stream nothing ends).
import type { Server, ServerResponse } from 'node:http';

export function reportSlowClose(server: Server, intervalMs: number): void {
  const arrivals = new Map<ServerResponse, { url: string; at: number }>();
  server.on('request', (request, response) => {
    arrivals.set(response, { url: request.url ?? '', at: performance.now() });
    response.once('close', () => arrivals.delete(response));
  });
  const { port } = server.address() as { port: number };
  process.once('SIGTERM', () => {
    const signalled = performance.now();
    setInterval(() => {
      const open = [...arrivals.values()].map(
        ({ url, at }) => `${url} (${Math.round(at - signalled)} ms after SIGTERM)`,
      );
      process.stderr.write(
        `instance :${port} still closing after ${Math.round(performance.now() - signalled)} ms, requests open: ${open.join(', ') || 'none'}\n`,
      );
    }, intervalMs).unref();
  });
}
