import { Body, Controller, Get, Header, Param, Post } from '@nestjs/common';
import type { UIMessageChunk } from 'ai';
import { EventHub, EventStream, ServerSentEvent } from 'nestjs-event-stream';
import { randomUUID } from 'node:crypto';
import { ChatRequestDto, lastText } from './ai-sdk.dto.js';
import { EchoModel } from './echo-model.js';
import { startGeneration, type Publish } from './generation.js';

const uiMessageStream = {
  errorEvent: (_error: unknown, body: { message: unknown }) =>
    new ServerSentEvent<UIMessageChunk>({
      data: { type: 'error', errorText: String(body.message) },
    }),
};

/**
 * The AI SDK's UI message stream (`useChat`, `DefaultChatTransport`): the answer is
 * generated into a hub channel, so a client that reloads mid-answer gets all of it again
 * (`resume: true` calls `GET /api/chat/:id/stream`).
 */
@Controller('api/chat')
export class AiSdkController {
  /** Each chat's latest generation, by chat id: in your app, a column of the chat's row. */
  private readonly activeStreams = new Map<string, string>();

  constructor(
    private readonly hub: EventHub,
    private readonly model: EchoModel,
  ) {}

  @Post()
  @Header('x-vercel-ai-ui-message-stream', 'v1')
  @EventStream(uiMessageStream)
  async *chat(@Body() request: ChatRequestDto) {
    const channel = `chat:${request.id}:${randomUUID()}`;
    this.activeStreams.set(request.id, channel);
    const generation = startGeneration(this.hub, channel, (publish) =>
      this.answer(lastText(request), publish),
    );
    yield* this.replay(channel);
    await generation;
  }

  /** The whole latest answer again, or 204 (the SDK's `null`) for a chat without one. */
  @Get(':id/stream')
  @Header('x-vercel-ai-ui-message-stream', 'v1')
  @EventStream(uiMessageStream)
  resume(@Param('id') id: string) {
    const channel = this.activeStreams.get(id);
    return channel ? this.replay(channel) : [];
  }

  private async answer(prompt: string, publish: Publish): Promise<void> {
    // Typed: each chunk is checked against the AI SDK's own type.
    const chunk = (value: UIMessageChunk) => publish(value);
    await chunk({ type: 'start', messageId: randomUUID() });
    await chunk({ type: 'text-start', id: 'text-1' });
    for await (const delta of this.model.generate(prompt)) {
      await chunk({ type: 'text-delta', id: 'text-1', delta });
    }
    await chunk({ type: 'text-end', id: 'text-1' });
    await chunk({ type: 'finish', finishReason: 'stop' });
    await publish(new ServerSentEvent({ rawData: '[DONE]' }));
  }

  private replay(channel: string) {
    return this.hub.subscribe(channel, {
      rewind: 'all',
      historyLostEvent: () =>
        new ServerSentEvent<UIMessageChunk>({
          data: { type: 'error', errorText: 'Part of the answer was lost.' },
        }),
    });
  }
}
