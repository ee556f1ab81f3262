// The publisher: a process of its own that shares the instances' RedisEventStore and
// publishes through its own EventHub, so publishing goes on while an instance stops.
// Started by the harness with an IPC channel (see protocol.ts): it publishes
// warm-up events ({ k: -1 }) until told to start, so that the harness can tell when
// every client's subscription is live; then `events` events { k, t } at a steady rate.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { EventHub, EventStreamModule, RedisEventStore } from '../../lib/index.js';
import { WARM_UP_EVENT, type PublisherCommand, type PublisherMessage } from './protocol.js';

const WARM_UP_INTERVAL_MS = 100;

const { values: args } = parseArgs({
  options: {
    redis: { type: 'string' },
    channel: { type: 'string' },
    events: { type: 'string' },
    rate: { type: 'string' },
  },
});
const events = Number(args.events);
const intervalMs = 1000 / Number(args.rate);
if (!args.redis || !args.channel || !(events > 0) || !(intervalMs > 0))
  throw new RangeError(
    `publisher: needs --redis, --channel, --events N > 0 and --rate N > 0, got ${JSON.stringify(args)}`,
  );
const channel = args.channel;
const send = (message: PublisherMessage) => process.send!(message);

const app = await NestFactory.createApplicationContext(
  EventStreamModule.forRoot({
    hub: { store: new RedisEventStore({ url: args.redis, keyPrefix: 'field:' }) },
  }),
  { logger: ['error', 'warn'] },
);
const hub = app.get(EventHub);

let started = false;
process.once('message', (command: PublisherCommand) => {
  if (command.type === 'start') started = true;
});
send({ type: 'warming-up' });
while (!started) {
  await hub.publish(channel, { k: WARM_UP_EVENT, t: Date.now() });
  await sleep(WARM_UP_INTERVAL_MS);
}

// Paced on a fixed schedule (k × interval from the start), so a slow publish does not
// slow the rate; how far it fell behind is reported.
const start = performance.now();
let lastId = '';
let behindScheduleMs = 0;
for (let k = 0; k < events; k++) {
  const due = start + k * intervalMs;
  const wait = due - performance.now();
  if (wait > 0) await sleep(wait);
  behindScheduleMs = Math.max(behindScheduleMs, performance.now() - due);
  lastId = await hub.publish(channel, { k, t: Date.now() });
}
send({ type: 'published', events, lastId, behindScheduleMs });
await app.close();
process.disconnect();
