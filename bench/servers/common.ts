// What every benchmark server shares: the event shapes, the fan-out clock, the memory
// report and the "listening" line the harness waits for.
import 'reflect-metadata';
import { Exclude, Expose, instanceToPlain } from 'class-transformer';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A small event, as plain object. */
export const plainEvent = (i: number) => ({ i, name: 'tick', at: 1_700_000_000_000 + i });

/** The same event as a DTO with a field that must not be sent. */
export class EventDto {
  @Expose() i!: number;
  @Expose() name!: string;
  @Expose() at!: number;
  @Exclude() secret = 'internal';

  constructor(i: number) {
    Object.assign(this, plainEvent(i));
  }
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
};

/** SSE by hand, as the baseline writes it: one `write` per event, waiting for 'drain' when told to. */
export async function writeBurst(res: ServerResponse, n: number, dto: boolean): Promise<void> {
  for (let i = 0; i < n && !res.destroyed; i++) {
    const data = dto ? instanceToPlain(new EventDto(i)) : plainEvent(i);
    if (!res.write(`data: ${JSON.stringify(data)}\n\n`))
      await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}

/** A fan-out by hand: one frame, written to every subscriber. */
export function writeToAll(subscribers: Iterable<ServerResponse>, data: unknown): void {
  const frame = `data: ${JSON.stringify(data)}\n\n`;
  for (const subscriber of subscribers) subscriber.write(frame);
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
export const now = () => performance.timeOrigin + performance.now();

/** Calls `publish(k)` `count` times, `intervalMs` apart, with the time of each call. */
export function publishSeries(
  count: number,
  intervalMs: number,
  publish: (k: number, t: number) => void,
): void {
  let k = 0;
  const timer = setInterval(() => {
    publish(k, now());
    if (++k === count) clearInterval(timer);
  }, intervalMs);
}

/** The process's CPU time so far (user + system), in ms: what a scenario cost this server. */
export function cpuReport(): { cpuMs: number } {
  const { user, system } = process.cpuUsage();
  return { cpuMs: (user + system) / 1000 };
}

export function memoryReport(): { heapUsed: number; rss: number } {
  globalThis.gc?.();
  globalThis.gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}

/** Tells the harness where the server listens (one JSON line on stdout). */
export function announce(server: Server): void {
  // An exit, not death by signal: a CPU profile (--cpu-prof) is written on exit only.
  process.once('SIGTERM', () => process.exit(0));
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
}

export function param(url: string | undefined, name: string, fallback: number): number {
  return Number(new URL(url ?? '/', 'http://x').searchParams.get(name) ?? fallback);
}
