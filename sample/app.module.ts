import { Module } from '@nestjs/common';
import { EventStreamModule, MemoryEventStore } from 'nestjs-event-stream';
import { AiSdkController } from './ai-sdk.controller.js';
import { ChatController } from './chat.controller.js';
import { ChatService, RESUMABLE_FOR } from './chat.service.js';
import { EchoModel } from './echo-model.js';
import { McpTools } from './mcp-tools.js';
import { McpController } from './mcp.controller.js';
import { OpenAiController } from './openai.controller.js';
import { PageController } from './page.controller.js';
import { TickerController } from './ticker.controller.js';
import { TickerService } from './ticker.service.js';

@Module({
  imports: [
    EventStreamModule.forRootAsync({
      useFactory: () => ({
        keepAlive: 10_000,
        retry: 1_000,
        // Per-answer channels are forgotten after the service stops offering them.
        hub: { store: new MemoryEventStore({ expireAfter: 2 * RESUMABLE_FOR }) },
      }),
    }),
  ],
  controllers: [
    PageController,
    TickerController,
    ChatController,
    OpenAiController,
    AiSdkController,
    McpController,
  ],
  providers: [TickerService, ChatService, EchoModel, McpTools],
})
export class AppModule {}
