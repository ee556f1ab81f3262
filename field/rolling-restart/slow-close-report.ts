// What an instance that takes long to close waits for: the requests still open, from
// before the SIGTERM (a drain behind its schedule) and from after it (streams opened
// while the app closed, which nothing ends).
import type { Server, ServerResponse } from 'node:http';

export function reportSlowClose(server: Server, intervalMs: number): void {
  const arrivals = new Map<ServerResponse, number>();
  server.on('request', (_, response) => {
    arrivals.set(response, performance.now());
    response.once('close', () => arrivals.delete(response));
  });
  const { port } = server.address() as { port: number };
  process.once('SIGTERM', () => {
    const signalled = performance.now();
    setInterval(() => {
      const open = [...arrivals.values()];
      const late = open.filter((at) => at > signalled).map((at) => Math.round(at - signalled));
      const lateSpan = late.length ? `, from ${Math.min(...late)} to ${Math.max(...late)} ms` : '';
      process.stderr.write(
        `instance :${port} still closing after ${Math.round(performance.now() - signalled)} ms: ${open.length} requests open, ${open.length - late.length} from before SIGTERM, ${late.length} from after it${lateSpan}\n`,
      );
    }, intervalMs).unref();
  });
}
