// The load side: plain node:http, counting frames by their blank line, no SSE library.
import { Agent, request, type IncomingMessage } from 'node:http';
import { now } from './servers/common.js';

const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
const NEWLINE = 0x0a;
/** No frame for this long during a fan-out: the server is not delivering any more. */
const STALL_MS = 5_000;

export function get(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) =>
    request(url, { agent }, resolve).on('error', reject).end(),
  );
}

export async function getText(url: string): Promise<string> {
  const response = await get(url);
  let body = '';
  for await (const chunk of response) body += chunk;
  return body;
}

/** Counts the frames ("\n\n") of a stream until it ends; `onChunk` may pause it. */
export async function countFrames(
  url: string,
  onChunk?: (response: IncomingMessage) => void,
): Promise<{ frames: number; bytes: number }> {
  const response = await get(url);
  let frames = 0;
  let bytes = 0;
  let previous = 0;
  // 'data' events, not for await: a paused response must really stop reading.
  response.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) {
      if ((i === 0 ? previous : chunk[i - 1]) === NEWLINE) frames++;
    }
    previous = chunk[chunk.length - 1];
    onChunk?.(response);
  });
  // A server may also drop the client (one that cannot pause its producer does): what
  // arrived until then counts.
  await new Promise((resolve) => response.on('end', resolve).on('error', resolve));
  return { frames, bytes };
}

/** Calls `onEvent` with the delivery latency of each event (`data: {"t": <sent at>}`). */
export function onTimedEvents(response: IncomingMessage, onEvent: (latency: number) => void): void {
  let pending = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    const at = now();
    pending += chunk;
    let end: number;
    while ((end = pending.indexOf('\n\n')) !== -1) {
      const frame = pending.slice(0, end);
      pending = pending.slice(end + 2);
      const data = /^data: ?(.*)$/m.exec(frame)?.[1]; // the space after the colon is optional
      if (data) onEvent(at - (JSON.parse(data) as { t: number }).t);
    }
  });
}

export interface FanOutResult {
  latencies: number[];
  complete: boolean;
  /**
   * The server's CPU time from the publish request until the last delivery, per event:
   * unlike latency, not moved by what else the machine runs.
   */
  serverCpuMsPerEvent: number;
}

/** The server's CPU time so far (its `/cpu` route), in ms. */
export const serverCpuMs = async (base: string) =>
  (JSON.parse(await getText(`${base}/cpu`)) as { cpuMs: number }).cpuMs;

export interface FanOutOptions {
  /** The stream client `index` opens; default `/subscribe` for every client. */
  path?: (index: number) => string;
  /** Runs once every stream is open, before the server is told to publish. */
  beforePublish?: () => Promise<void>;
  /** Events each client gets first, untimed (first-use costs out of the figures). */
  warmUp?: number;
}

/**
 * Opens `clients` streams, has the server publish (`/publish?count=…&interval=…`: `count`
 * events to each client), and times each delivery.
 */
export async function fanOut(
  base: string,
  clients: number,
  count: number,
  intervalMs: number,
  { path = () => '/subscribe', beforePublish, warmUp = 0 }: FanOutOptions = {},
): Promise<FanOutResult> {
  const latencies: number[] = [];
  const received = new Array<number>(clients).fill(0);
  let open = 0;
  const responses: IncomingMessage[] = [];
  let allDone!: () => void;
  const done = new Promise<void>((resolve) => (allDone = resolve));
  let finished = 0;
  // Connect in batches, so the listen backlog is never the bottleneck.
  for (let start = 0; start < clients; start += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, clients - start) }, async (_, j) => {
        const index = start + j;
        const response = await get(`${base}${path(index)}`);
        responses.push(response);
        open++;
        onTimedEvents(response, (latency) => {
          if (received[index] >= warmUp) latencies.push(latency);
          if (++received[index] === warmUp + count && ++finished === clients) allDone();
        });
      }),
    );
  }
  if (open !== clients) throw new Error(`only ${open} of ${clients} subscribers connected`);
  await beforePublish?.();
  const cpuBefore = await serverCpuMs(base);
  await getText(
    `${base}/publish?count=${warmUp + count}&interval=${intervalMs}&clients=${clients}`,
  );
  await doneOrStalled(done, () => latencies.length);
  const serverCpuMsPerEvent = ((await serverCpuMs(base)) - cpuBefore) / (warmUp + count);
  for (const response of responses) response.destroy();
  return { latencies, complete: finished === clients, serverCpuMsPerEvent };
}

/**
 * Waits for `done`: complete means every client got every event, however late. The wait
 * ends early only when no event at all has come for a while (a server that dropped or
 * stalled).
 */
export async function doneOrStalled(done: Promise<void>, events: () => number): Promise<void> {
  let last = -1;
  const stalled = new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (events() === last) {
        clearInterval(timer);
        resolve();
      }
      last = events();
    }, STALL_MS);
    void done.then(() => clearInterval(timer));
  });
  await Promise.race([done, stalled]);
}

/** Opens `clients` idle streams and returns them, to measure what they cost the server. */
export async function openIdle(base: string, clients: number): Promise<IncomingMessage[]> {
  const responses: IncomingMessage[] = [];
  for (let start = 0; start < clients; start += 500) {
    responses.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(500, clients - start) }, () => get(`${base}/subscribe`)),
      )),
    );
  }
  return responses;
}
