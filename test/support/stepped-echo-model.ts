import { EventEmitter, once } from 'node:events';
import { EchoModel } from '../../sample/echo-model.js';

/**
 * The sample's model, stepped by the test: its words, one for each `release()`d, so
 * that a test knows where the answer stands.
 */
export class SteppedEchoModel extends EchoModel {
  private allowed = 0;
  private readonly releases = new EventEmitter();
  /** When set, the reply throws instead of giving its word of that index. */
  failAt?: number;

  /** Holds the next reply before its first word, and lets it succeed. */
  hold(): void {
    this.allowed = 0;
    this.failAt = undefined;
  }

  /** Lets `count` more words out (all of them by default). */
  release(count = Infinity): void {
    this.allowed += count;
    this.releases.emit('release');
  }

  override async *generate(prompt: string, signal?: AbortSignal): AsyncGenerator<string> {
    let index = 0;
    for await (const token of super.generate(prompt, signal)) {
      while (index >= this.allowed) await once(this.releases, 'release', { signal });
      if (index++ === this.failAt) throw new Error('model crashed');
      yield token;
    }
  }
}
