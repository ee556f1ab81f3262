import { Module } from '@nestjs/common';
import { EventStreamModule } from 'nestjs-event-stream';
import { ChatController } from './chat.controller.js';
import { PageController } from './page.controller.js';
import { TickerController } from './ticker.controller.js';
import { TickerService } from './ticker.service.js';

@Module({
  imports: [EventStreamModule.forRoot({ keepAlive: 10_000, retry: 1_000 })],
  controllers: [PageController, TickerController, ChatController],
  providers: [TickerService],
})
export class AppModule {}
