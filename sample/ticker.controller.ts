import { Controller, Get } from '@nestjs/common';
import { EventHub, EventStream, LastEventId } from 'nestjs-event-stream';
import { TickDto } from './ticker.dto.js';

@Controller('ticker')
export class TickerController {
  constructor(private readonly hub: EventHub) {}

  /**
   * Live ticks; a new client first gets the last 20 (the chart's recent state), one that
   * reconnects gets what it missed, from its Last-Event-ID.
   */
  @Get()
  @EventStream({ type: TickDto, event: 'tick', description: 'Live price ticks.' })
  ticks(@LastEventId() lastEventId?: string) {
    return this.hub.subscribe('ticker', { lastEventId, rewind: 20 });
  }
}
