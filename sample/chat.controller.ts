import { Body, Controller, Post } from '@nestjs/common';
import { EventStream, ServerSentEvent } from 'nestjs-event-stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { PromptDto, TokenDto } from './chat.dto.js';

@Controller('chat')
export class ChatController {
  /** Streams a reply token by token and ends with `data: [DONE]`, as AI APIs do. */
  @Post()
  @EventStream({ events: { token: TokenDto } })
  async *chat(@Body() { prompt }: PromptDto): AsyncGenerator<ServerSentEvent<TokenDto>> {
    for (const word of `You said: ${prompt}`.split(' ')) {
      yield new ServerSentEvent({ event: 'token', data: { text: `${word} ` } });
      await sleep(50);
    }
    yield new ServerSentEvent({ rawData: '[DONE]' });
  }
}
