// This library, on Express or Fastify (ADAPTER=fastify): generators for the burst, the
// EventHub for fan-out.
import { Controller, Get, Module, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { EventHub, EventStream, EventStreamModule } from '../../lib/index.js';
import { announce, EventDto, memoryReport, plainEvent, publishSeries } from './common.js';

@Controller()
class BenchController {
  constructor(private readonly hub: EventHub) {}

  @Get('burst/plain')
  @EventStream()
  *plain(@Query('n') n = '200000') {
    for (let i = 0; i < Number(n); i++) yield plainEvent(i);
  }

  @Get('burst/dto')
  @EventStream(EventDto)
  *dto(@Query('n') n = '200000') {
    for (let i = 0; i < Number(n); i++) yield new EventDto(i);
  }

  @Get('subscribe')
  @EventStream({ commitAfter: 0 })
  subscribe() {
    return this.hub.subscribe('fanout');
  }

  @Get('publish')
  publish(@Query('count') count = '50', @Query('interval') interval = '20'): string {
    publishSeries(Number(count), Number(interval), (k, t) => void this.hub.publish('fanout', { k, t }));
    return 'ok';
  }

  @Get('memory')
  memory() {
    return memoryReport();
  }
}

@Module({ imports: [EventStreamModule.forRoot({ hub: { maxQueuedEvents: 100 } })], controllers: [BenchController] })
class BenchModule {}

const app =
  process.env.ADAPTER === 'fastify'
    ? await NestFactory.create(BenchModule, new FastifyAdapter(), { logger: false })
    : await NestFactory.create(BenchModule, { logger: false });
await app.listen(0, '127.0.0.1');
announce(app.getHttpServer());
