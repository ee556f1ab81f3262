// One instance of the app behind the proxy: a hub route that streams a channel from
// Redis Streams, resuming after the client's Last-Event-ID, a health and a stats route.
//   node --import ./test/support/register-swc.mjs field/rolling-restart/instance.ts \
//     --port 3001 --redis redis://127.0.0.1:6379 [--adapter fastify] [stream flags]
// SIGTERM closes it as Nest does (app.close()); it prints {"port":N} once it listens.
import 'reflect-metadata';
import { Controller, Get, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import {
  EventHub,
  EventStream,
  EventStreamModule,
  LastEventId,
  RedisEventStore,
  type EventStreamModuleOptions,
} from '../../lib/index.js';
import { reportSlowClose } from './slow-close-report.js';
import { STREAM_FLAG_OPTIONS, streamOptionsFromFlags } from './stream-flags.js';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
    adapter: { type: 'string', default: 'express' },
    ...STREAM_FLAG_OPTIONS,
  },
});
const CLOSE_REPORT_INTERVAL_MS = 5_000;
if (args.adapter !== 'express' && args.adapter !== 'fastify')
  throw new RangeError(`instance: "--adapter" must be express or fastify, got "${args.adapter}"`);

@Controller()
class FieldController {
  constructor(private readonly hub: EventHub) {}

  @Get('health')
  health() {
    return { ok: true };
  }

  /** The streams this instance serves now. */
  @Get('stats')
  stats() {
    return { streams: this.hub.subscriberCount };
  }

  @Get('channels/:channel')
  @EventStream()
  stream(@Param('channel') channel: string, @LastEventId() lastEventId?: string) {
    return this.hub.subscribe(channel, { lastEventId });
  }
}

// Handed over as given: the library's own checks judge them (a release that does not
// know an option rejects it, or its type does; the cast lets either release compile).
const streamOptions = streamOptionsFromFlags(args) as EventStreamModuleOptions;

@Module({
  imports: [
    EventStreamModule.forRoot({
      ...streamOptions,
      hub: { store: new RedisEventStore({ url: args.redis, keyPrefix: 'field:' }) },
    }),
  ],
  controllers: [FieldController],
})
class InstanceModule {}

// Warnings and errors only: a stream the library cuts or fails shows in the harness's output.
const logger: Array<'error' | 'warn'> = ['error', 'warn'];
const app =
  args.adapter === 'fastify'
    ? await NestFactory.create(InstanceModule, new FastifyAdapter(), { logger })
    : await NestFactory.create(InstanceModule, { logger });
app.enableShutdownHooks();
await app.listen(Number(args.port), '127.0.0.1');
const server = app.getHttpServer() as Server;
reportSlowClose(server, CLOSE_REPORT_INTERVAL_MS);
const { port } = server.address() as AddressInfo;
process.stdout.write(`${JSON.stringify({ port })}\n`);
