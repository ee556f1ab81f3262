import { Module } from '@nestjs/common';
import { EventStreamModule } from 'nestjs-event-stream';
import { AiSdkController } from './ai-sdk.controller.js';
import { ChatController } from './chat.controller.js';
import { EchoModel } from './echo-model.js';
import { McpTools } from './mcp-tools.js';
import { McpController } from './mcp.controller.js';
import { OpenAiController } from './openai.controller.js';
import { PageController } from './page.controller.js';
import { TickerController } from './ticker.controller.js';
import { TickerService } from './ticker.service.js';

@Module({
  imports: [EventStreamModule.forRoot({ keepAlive: 10_000, retry: 1_000 })],
  controllers: [
    PageController,
    TickerController,
    ChatController,
    OpenAiController,
    AiSdkController,
    McpController,
  ],
  providers: [TickerService, EchoModel, McpTools],
})
export class AppModule {}
