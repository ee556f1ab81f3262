import { Body, Controller, Post, UseFilters } from '@nestjs/common';
import { EventStream, EventStreamSignal, ServerSentEvent } from 'nestjs-event-stream';
import type OpenAI from 'openai';
import { randomUUID } from 'node:crypto';
import { EchoModel } from './echo-model.js';
import { openAiError, OpenAiErrorFilter } from './openai-error.filter.js';
import { ChatCompletionRequestDto } from './openai.dto.js';

/** An OpenAI-compatible endpoint: the `openai` SDK (and tools built on it) can talk to it. */
@Controller('v1')
@UseFilters(OpenAiErrorFilter)
export class OpenAiController {
  constructor(private readonly model: EchoModel) {}

  /** `stream: true`: chunks, then `data: [DONE]`; otherwise the whole completion as JSON. */
  @Post('chat/completions')
  @EventStream({
    errorEvent: (_error, body) => new ServerSentEvent({ data: { error: openAiError(body) } }),
  })
  completions(
    @Body() request: ChatCompletionRequestDto,
    @EventStreamSignal() signal: AbortSignal,
  ): AsyncGenerator<OpenAI.ChatCompletionChunk | ServerSentEvent> | Promise<OpenAI.ChatCompletion> {
    const prompt = request.messages.at(-1)?.content ?? '';
    const tokens = this.model.generate(prompt, signal);
    const head = { id: `chatcmpl-${randomUUID()}`, created: unixTime(), model: request.model };
    return request.stream ? chunks(head, tokens) : completion(head, tokens);
  }
}

type CompletionHead = Pick<OpenAI.ChatCompletion, 'id' | 'created' | 'model'>;

async function* chunks(head: CompletionHead, tokens: AsyncIterable<string>) {
  const chunk = (
    delta: OpenAI.ChatCompletionChunk.Choice.Delta,
    finish_reason: OpenAI.ChatCompletionChunk.Choice['finish_reason'] = null,
  ): OpenAI.ChatCompletionChunk => ({
    ...head,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, finish_reason }],
  });
  yield chunk({ role: 'assistant', content: '' });
  for await (const content of tokens) yield chunk({ content });
  yield chunk({}, 'stop');
  yield new ServerSentEvent({ rawData: '[DONE]' });
}

async function completion(
  head: CompletionHead,
  tokens: AsyncIterable<string>,
): Promise<OpenAI.ChatCompletion> {
  let content = '';
  for await (const token of tokens) content += token;
  return {
    ...head,
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
  };
}

function unixTime(): number {
  return Math.floor(Date.now() / 1000);
}
