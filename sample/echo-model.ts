import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';

/** A stand-in for a language model: streams the prompt back, word by word. */
@Injectable()
export class EchoModel {
  async *generate(prompt: string, signal?: AbortSignal): AsyncGenerator<string> {
    for (const word of `You said: ${prompt}`.split(' ')) {
      await sleep(20, undefined, { signal });
      yield `${word} `;
    }
  }
}
