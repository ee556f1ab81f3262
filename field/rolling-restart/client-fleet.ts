// A process of `eventsource` clients (the npm package, as a Node app would use it), all
// on one channel through the proxy. Started by the harness with an IPC channel (see
// protocol.ts): opens its clients a batch at a time, says when every one has had a
// warm-up event (its subscription is live), and on `finish` waits until each has the
// last event of the series (or gave up, or `settleMs` passed), then reports what each saw.
import { EventSource, type ErrorEvent } from 'eventsource';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ClientRecord } from './client-record.js';
import { WARM_UP_EVENT, type FleetCommand, type FleetMessage } from './protocol.js';

/** Clients opened together; the next batch waits for their first response. */
const OPEN_BATCH = 50;

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    clients: { type: 'string' },
    events: { type: 'string' },
  },
});
const clients = Number(args.clients);
const events = Number(args.events);
if (!args.url || !(clients > 0) || !(events > 0))
  throw new RangeError(
    `client-fleet: needs --url, --clients N > 0 and --events N > 0, got ${JSON.stringify(args)}`,
  );
const url = args.url;
const send = (message: FleetMessage) => process.send!(message);

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

/** Resolves when `count` calls of the returned tick have been made. */
function countdown(count: number): { done: Promise<void>; tick: () => void } {
  let left = count;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  if (left === 0) resolve();
  return { done, tick: () => --left === 0 && resolve() };
}

const warmedUp = countdown(clients);
const finished = countdown(clients);
const records: ClientRecord[] = [];
const sources: EventSource[] = [];

function openClient(): Promise<void> {
  const record = new ClientRecord(events);
  const source = new EventSource(url);
  records.push(record);
  sources.push(source);
  let warm = false;
  const warmUp = () => {
    if (warm) return;
    warm = true;
    warmedUp.tick();
  };
  let responded!: () => void;
  const firstResponse = new Promise<void>((resolve) => (responded = resolve));
  source.onopen = () => {
    record.opened(performance.now());
    responded();
  };
  source.onmessage = (message) => {
    const { k } = JSON.parse(message.data) as { k: number };
    if (k === WARM_UP_EVENT) return warmUp();
    const hadLast = record.hasLast;
    record.event(k, performance.now());
    if (!hadLast && record.hasLast) finished.tick();
  };
  source.addEventListener('history-lost', () => record.historyLost());
  source.onerror = (error: ErrorEvent) => {
    responded();
    const closed = source.readyState === EventSource.CLOSED;
    const wasFinished = record.hasLast || record.closedForGood;
    record.error(error.code, closed, performance.now());
    if (!closed) return;
    // Given up: it will not warm up or finish any more.
    warmUp();
    if (!wasFinished) finished.tick();
  };
  return firstResponse;
}

for (let opened = 0; opened < clients; opened += OPEN_BATCH) {
  const batch = Math.min(OPEN_BATCH, clients - opened);
  await Promise.all(Array.from({ length: batch }, openClient));
}
await warmedUp.done;
// From here on the delay is the one the gaps measured here may carry.
loopDelay.reset();
send({ type: 'ready' });

process.once('message', async (command: FleetCommand) => {
  if (command.type !== 'finish') return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    finished.done,
    new Promise((resolve) => (timer = setTimeout(resolve, command.settleMs))),
  ]);
  clearTimeout(timer);
  const endAt = performance.now();
  for (const source of sources) source.close();
  loopDelay.disable();
  send({
    type: 'figures',
    clients: records.map((record) => record.result(endAt)),
    eventLoopDelayMs: {
      p99: loopDelay.percentile(99) / 1e6,
      max: loopDelay.max / 1e6,
    },
  });
  process.disconnect();
});
