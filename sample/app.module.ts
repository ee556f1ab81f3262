import { Module } from '@nestjs/common';
import { EventStreamModule } from 'nestjs-event-stream';
import { ChatController } from './chat.controller.js';
import { TickerController } from './ticker.controller.js';

@Module({
  imports: [EventStreamModule.forRoot({ keepAlive: 10_000, retry: 2_000 })],
  controllers: [TickerController, ChatController],
})
export class AppModule {}
