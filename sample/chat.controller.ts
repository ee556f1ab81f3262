import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse } from '@nestjs/swagger';
import { EventStream, LastEventId } from 'nestjs-event-stream';
import { PromptDto, TokenDto, UsageDto } from './chat.dto.js';
import { ChatService } from './chat.service.js';

const answerEvents = { token: TokenDto, usage: UsageDto };

/** Express's response and Fastify's reply both set a header so. */
interface ResponseHeaders {
  header(name: string, value: string): unknown;
}

@Controller('chat')
export class ChatController {
  constructor(private readonly chats: ChatService) {}

  /**
   * Starts an answer and streams it token by token, then its usage and `data: [DONE]`,
   * as AI APIs do. The answer goes on if the client leaves: Content-Location resumes it.
   */
  @Post()
  @EventStream({
    events: answerEvents,
    description: 'The reply, token by token. Its Content-Location, /chat/{id}, resumes it.',
  })
  chat(@Body() { prompt }: PromptDto, @Res({ passthrough: true }) response: ResponseHeaders) {
    const id = this.chats.start(prompt);
    response.header('Content-Location', `/chat/${id}`);
    return this.chats.events(id);
  }

  /** The answer again, after a reload or a dropped connection: as POST /chat streams it. */
  @Get(':id')
  @EventStream({
    events: answerEvents,
    description: 'The rest of the reply after Last-Event-ID, or all of it, then the end.',
  })
  @ApiNoContentResponse({ description: 'The reply is over: nothing after Last-Event-ID.' })
  @ApiNotFoundResponse({ description: 'No such reply, or it has expired.' })
  resume(@Param('id', ParseUUIDPipe) id: string, @LastEventId() lastEventId?: string) {
    return this.chats.events(id, lastEventId);
  }
}
