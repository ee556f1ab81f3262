import {
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { EventHub } from 'nestjs-event-stream';

/** Publishes a price tick to the hub's `ticker` channel every TICK_MS (default 1000) ms. */
@Injectable()
export class TickerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private seq = 0;

  constructor(private readonly hub: EventHub) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), Number(process.env.TICK_MS ?? 1000));
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private tick(): Promise<string> {
    const seq = ++this.seq;
    const price = Math.round((100 + Math.sin(seq / 5) * 10) * 100) / 100;
    return this.hub.publish('ticker', {
      seq,
      symbol: 'NEST',
      price,
      at: new Date().toISOString(),
      source: 'feed-7',
    });
  }
}
