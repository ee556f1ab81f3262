import { Body, Controller, Post } from '@nestjs/common';
import { EventStream, EventStreamSignal, ServerSentEvent } from 'nestjs-event-stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { PromptDto, TokenDto } from './chat.dto.js';

@Controller('chat')
export class ChatController {
  /** Streams a reply token by token, then `data: [DONE]`, as AI APIs do. */
  @Post()
  @EventStream({ events: { token: TokenDto }, description: 'The reply, token by token.' })
  async *chat(@Body() { prompt }: PromptDto, @EventStreamSignal() signal: AbortSignal) {
    for (const word of `You said: ${prompt}`.split(' ')) {
      yield new ServerSentEvent<TokenDto>({ event: 'token', data: { text: `${word} ` } });
      await sleep(50, undefined, { signal });
    }
    yield new ServerSentEvent({ rawData: '[DONE]' });
  }
}
