import { Injectable, Logger, NotFoundException, type OnModuleDestroy } from '@nestjs/common';
import { EventHub, ServerSentEvent } from 'nestjs-event-stream';
import { randomUUID } from 'node:crypto';
import { EchoModel } from './echo-model.js';
import type { TokenDto, UsageDto } from './chat.dto.js';

/** How long a finished answer can still be resumed, or shown again after a reload. */
export const RESUMABLE_FOR = 5 * 60_000;

/**
 * Answers that outlive their connection: each is generated into a hub channel of its
 * own, whether or not anyone listens, and the channel is completed at its end. A client
 * reads it from the start or from its Last-Event-ID, and its stream ends with the answer.
 */
@Injectable()
export class ChatService implements OnModuleDestroy {
  private readonly logger = new Logger(ChatService.name);
  /**
   * The answers that can be read: running ones (no timer yet), finished ones with the
   * timer that forgets them. A real app keeps this in its database, with the chat.
   */
  private readonly answers = new Map<string, NodeJS.Timeout | undefined>();
  private readonly running = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();

  constructor(
    private readonly hub: EventHub,
    private readonly model: EchoModel,
  ) {}

  /** Starts generating the answer to `prompt`, and returns its id at once. */
  start(prompt: string): string {
    const id = randomUUID();
    this.answers.set(id, undefined);
    const generation = this.generate(id, prompt).finally(() => {
      this.running.delete(generation);
      this.answers.set(id, setTimeout(() => this.answers.delete(id), RESUMABLE_FOR).unref());
    });
    this.running.add(generation);
    return id;
  }

  /** The answer's events after `lastEventId`, or all of them; they end with the answer. */
  events(id: string, lastEventId?: string): AsyncIterable<ServerSentEvent> {
    // An unknown channel would be a live one, waiting for events that never come.
    if (!this.answers.has(id)) throw new NotFoundException(`No answer ${id}, or it has expired`);
    return this.hub.subscribe(channelOf(id), { lastEventId, rewind: 'all' });
  }

  // Before the hub's store closes (on application shutdown), so that each answer cut
  // short is completed and its readers' streams end.
  async onModuleDestroy(): Promise<void> {
    this.shutdown.abort();
    await Promise.all(this.running);
    for (const timer of this.answers.values()) clearTimeout(timer);
  }

  private async generate(id: string, prompt: string): Promise<void> {
    const channel = channelOf(id);
    try {
      let tokens = 0;
      for await (const text of this.model.generate(prompt, this.shutdown.signal)) {
        await this.hub.publish(
          channel,
          new ServerSentEvent<TokenDto>({ event: 'token', data: { text } }),
        );
        tokens++;
      }
      await this.hub.publish(
        channel,
        new ServerSentEvent<UsageDto>({ event: 'usage', data: { tokens } }),
      );
      await this.hub.publish(channel, new ServerSentEvent({ rawData: '[DONE]' }));
    } catch (error) {
      if (!this.shutdown.signal.aborted) this.logger.error(`Answer ${id} failed`, error);
      // The stream's own error frame, as the route would send it, for readers now and later.
      await this.hub
        .publish(channel, new ServerSentEvent({ event: 'error', data: CUT_SHORT }))
        .catch(() => undefined);
    }
    await this.hub.complete(channel).catch((error: unknown) => {
      this.logger.error(`Answer ${id} could not be completed`, error);
    });
  }
}

const CUT_SHORT = { statusCode: 500, message: 'The answer was cut short' };

const channelOf = (id: string) => `chat:${id}`;
