import { Inject, Injectable, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STREAM_MODULE_OPTIONS } from '../event-stream.constants.js';
import type { EventStreamModuleOptions } from '../interfaces/event-stream-options.interface.js';
import { ServerSentEvent } from '../sse/server-sent-event.js';
import { describeValue } from '../sse/validation.js';
import { COMPLETION, ChannelSubscription } from './channel-subscription.js';
import type {
  EventHistory,
  EventStore,
  StoredEvent,
  Unsubscribe,
} from './event-store.interface.js';
import { CHANNEL_NAME, HISTORY_LOST_EVENT } from './hub.constants.js';
import { MemoryEventStore } from './memory-event-store.js';
import { assertEventHubOptions } from './store-options.js';

/** What a subscriber asked for and the history no longer holds in full. */
export interface HistoryLost {
  /** The subscriber's Last-Event-ID, older than the history or unknown to it. */
  lastEventId?: string;
  /** The rewind asked for, when older events than the history holds were trimmed. */
  rewind?: number | 'all';
}

export interface SubscribeOptions {
  /** Replay what came after this id (a client's Last-Event-ID), then go live. */
  lastEventId?: string;
  /** Ends the subscription when aborted. */
  signal?: AbortSignal;
  /**
   * With no `lastEventId`: first replay the channel's last N events, or all its history
   * (`'all'`), then go live. Default 0: live events only.
   */
  rewind?: number | 'all';
  /**
   * The event sent first when the history no longer holds all that was asked for;
   * undefined: send nothing. Default: `event: history-lost`, `data: <lost>`. Clients
   * that ignore event names (the AI SDK, OpenAI's) would take that for data.
   */
  historyLostEvent?: (lost: HistoryLost) => ServerSentEvent | undefined;
}

const historyLostByDefault = (lost: HistoryLost) =>
  new ServerSentEvent({ event: HISTORY_LOST_EVENT, data: lost });

/** The subscribers of one channel on this instance, fed by one tail of the store. */
interface ChannelFanOut {
  subscribers: Set<ChannelSubscription>;
  tail: Promise<Unsubscribe>;
}

/**
 * Channels with history: `publish` stores an event and returns its id; `subscribe`
 * replays what a reconnecting client missed, then goes live. In memory by default;
 * on Redis Streams (`RedisEventStore`) when the app runs as several instances.
 */
@Injectable()
export class EventHub implements OnApplicationShutdown {
  private readonly store: EventStore;
  private readonly maxQueued: number;
  private readonly channels = new Map<string, ChannelFanOut>();
  // One callback for every subscription, not a closure each (that would also keep this
  // call's options): the subscription knows its channel.
  private readonly left = (subscription: ChannelSubscription): void =>
    this.leave(subscription.channel, subscription);

  constructor(@Optional() @Inject(EVENT_STREAM_MODULE_OPTIONS) options?: EventStreamModuleOptions) {
    this.store = options?.hub?.store ?? new MemoryEventStore();
    assertEventHubOptions('EventHub', options?.hub);
    this.maxQueued = options?.hub?.maxQueuedEvents ?? 1000;
  }

  /** Subscribers on this instance, for tests and metrics. */
  get subscriberCount(): number {
    let count = 0;
    for (const { subscribers } of this.channels.values()) count += subscribers.size;
    return count;
  }

  /** Stores the event and resolves with the id the store gave it (its SSE `id:`). */
  publish<T>(channel: string, value: T | ServerSentEvent<T>): Promise<string> {
    assertChannel(channel);
    if (!(value instanceof ServerSentEvent)) return this.store.append(channel, { data: value });
    const { event, data, rawData, comment } = value;
    return this.store.append(channel, { event, data, rawData, comment });
  }

  /**
   * Completes the channel: its subscribers get the events published before, then their
   * iteration ends; a later subscription replays and ends; `publish()` to it rejects
   * (`ChannelCompletedError`). Resolves with the id the store gave the completion.
   */
  complete(channel: string): Promise<string> {
    assertChannel(channel);
    return this.store.complete(channel);
  }

  /**
   * What the channel has after `lastEventId` (or its last `rewind` events), then its
   * live events, with no gap and no duplicate between the two, until it is completed.
   * Every event carries its id.
   */
  subscribe(channel: string, options: SubscribeOptions = {}): AsyncIterable<ServerSentEvent> {
    assertChannel(channel);
    assertSubscribeOptions(options);
    const { signal } = options;
    return {
      [Symbol.asyncIterator]: () => {
        const subscription = new ChannelSubscription(channel, this.maxQueued, this.left);
        if (signal?.aborted) subscription.end();
        else {
          signal?.addEventListener('abort', () => subscription.end(), { once: true });
          this.join(channel, subscription, options).catch((error: unknown) =>
            subscription.fail(error),
          );
        }
        return subscription;
      },
    };
  }

  async onApplicationShutdown(): Promise<void> {
    for (const { subscribers } of this.channels.values())
      for (const subscriber of subscribers) subscriber.end();
    await this.store.close();
  }

  private async join(
    channel: string,
    subscription: ChannelSubscription,
    options: SubscribeOptions,
  ): Promise<void> {
    const { lastEventId, rewind = 0, historyLostEvent = historyLostByDefault } = options;
    const fanOut = this.fanOut(channel);
    fanOut.subscribers.add(subscription);
    await fanOut.tail;
    // Read even with nothing to replay: a completed channel ends the subscription now.
    const history: EventHistory =
      lastEventId === undefined
        ? await this.store.readLast(channel, rewind === 'all' ? Infinity : rewind)
        : await this.store.readAfter(channel, lastEventId);
    if (history.lost) {
      const lost = historyLostEvent(lastEventId === undefined ? { rewind } : { lastEventId });
      if (lost) subscription.push(lost);
    }
    for (const entry of history.events) {
      if (entry.completed) return subscription.end();
      subscription.push(toServerSentEvent(entry));
    }
    const replayedUpTo =
      history.events.at(-1)?.id ??
      (lastEventId === undefined || history.lost ? undefined : lastEventId);
    subscription.goLive(replayedUpTo);
  }

  private fanOut(channel: string): ChannelFanOut {
    let fanOut = this.channels.get(channel);
    if (!fanOut) {
      const subscribers = new Set<ChannelSubscription>();
      // One ServerSentEvent per event, shared by every subscriber of this instance.
      const tail = this.store.tail(
        channel,
        (stored) => {
          const entry = stored.completed ? COMPLETION : toServerSentEvent(stored);
          for (const subscriber of subscribers) subscriber.receive(stored.id, entry);
        },
        (error) => {
          // The tail is over: a later subscribe() starts another.
          if (this.channels.get(channel) === fanOut) this.channels.delete(channel);
          for (const subscriber of subscribers) subscriber.fail(error);
        },
      );
      fanOut = { subscribers, tail };
      this.channels.set(channel, fanOut);
    }
    return fanOut;
  }

  private leave(channel: string, subscription: ChannelSubscription): void {
    const fanOut = this.channels.get(channel);
    if (!fanOut?.subscribers.delete(subscription) || fanOut.subscribers.size > 0) return;
    this.channels.delete(channel);
    fanOut.tail.then(
      (unsubscribe) => unsubscribe(),
      () => undefined,
    );
  }
}

function toServerSentEvent({ id, event, data, rawData, comment }: StoredEvent): ServerSentEvent {
  return new ServerSentEvent({
    id,
    event,
    comment,
    ...(rawData !== undefined ? { rawData } : { data }),
  });
}

function assertSubscribeOptions({ rewind, historyLostEvent }: SubscribeOptions): void {
  if (
    rewind !== undefined &&
    rewind !== 'all' &&
    !(Number.isSafeInteger(rewind) && (rewind as number) >= 0)
  ) {
    throw new RangeError(
      `EventHub: "rewind" must be a non-negative integer or 'all', got ${describeValue(rewind)}`,
    );
  }
  if (historyLostEvent !== undefined && typeof historyLostEvent !== 'function') {
    throw new TypeError(
      `EventHub: "historyLostEvent" must be a function, got ${describeValue(historyLostEvent)}`,
    );
  }
}

function assertChannel(channel: unknown): void {
  if (typeof channel !== 'string' || !CHANNEL_NAME.test(channel)) {
    throw new TypeError(
      `EventHub: a channel name is 1 to 200 letters, digits or . _ - : @ /, got ${describeValue(channel)}`,
    );
  }
}
