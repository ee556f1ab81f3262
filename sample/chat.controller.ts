import { Body, Controller, Post } from '@nestjs/common';
import { EventStream, EventStreamSignal, ServerSentEvent } from 'nestjs-event-stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { PromptDto, TokenDto, UsageDto } from './chat.dto.js';

@Controller('chat')
export class ChatController {
  /** Streams a reply token by token, then its usage and `data: [DONE]`, as AI APIs do. */
  @Post()
  @EventStream({
    events: { token: TokenDto, usage: UsageDto },
    description: 'The reply, token by token.',
  })
  async *chat(@Body() { prompt }: PromptDto, @EventStreamSignal() signal: AbortSignal) {
    const words = `You said: ${prompt}`.split(' ');
    for (const word of words) {
      yield new ServerSentEvent<TokenDto>({ event: 'token', data: { text: `${word} ` } });
      await sleep(50, undefined, { signal });
    }
    yield new ServerSentEvent<UsageDto>({ event: 'usage', data: { tokens: words.length } });
    yield new ServerSentEvent({ rawData: '[DONE]' });
  }
}
