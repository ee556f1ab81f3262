// This library, on Express or Fastify (ADAPTER=fastify): generators for the burst, the
// EventHub for fan-out.
import { Controller, Get, Query } from '@nestjs/common';
import { EventHub, EventStream, EventStreamModule } from '../../lib/index.js';
import { EventDto, plainEvent, publishSeries } from './common.js';
import { startNest } from './start-nest.js';

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
    publishSeries(
      Number(count),
      Number(interval),
      (k, t) => void this.hub.publish('fanout', { k, t }),
    );
    return 'ok';
  }
}

await startNest([BenchController], [EventStreamModule.forRoot({ hub: { maxQueuedEvents: 100 } })]);
