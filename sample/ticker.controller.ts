import { Controller, Get, ParseIntPipe } from '@nestjs/common';
import { EventStream, EventStreamSignal, LastEventId, ServerSentEvent } from 'nestjs-event-stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { TickDto } from './ticker.dto.js';

@Controller('ticker')
export class TickerController {
  /** One tick a second; a reconnecting client resumes after the last id it saw. */
  @Get()
  @EventStream({ type: TickDto, event: 'tick' })
  async *ticks(
    @LastEventId(new ParseIntPipe({ optional: true })) lastId: number | undefined,
    @EventStreamSignal() signal: AbortSignal,
  ): AsyncGenerator<ServerSentEvent<TickDto>> {
    for (let id = (lastId ?? 0) + 1; !signal.aborted; id++) {
      const tick = { symbol: 'NEST', price: 100 + Math.sin(id / 5) * 10, at: new Date().toISOString(), source: 'feed-7' };
      yield new ServerSentEvent({ id, data: tick });
      await sleep(1000, undefined, { signal }).catch(() => undefined);
    }
  }
}
