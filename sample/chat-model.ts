import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The model the chat streams from. The sample's echoes the prompt, a word every 50 ms;
 * a real one goes behind the same method (OpenAI's SDK, the AI SDK's `streamText`), and
 * a test puts one there that it steps.
 */
@Injectable()
export class ChatModel {
  async *reply(prompt: string, signal: AbortSignal): AsyncGenerator<string> {
    for (const word of `You said: ${prompt}`.split(' ')) {
      await sleep(50, undefined, { signal });
      yield `${word} `;
    }
  }
}
