import { PUSH_EVENTS, type PushConsumer, type PushSource } from '../source/push-source.js';
import type { ServerSentEvent } from '../sse/server-sent-event.js';
import { compareEventIds } from './event-id.js';

interface PendingNext {
  resolve: (result: IteratorResult<ServerSentEvent>) => void;
  reject: (error: unknown) => void;
}

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/** What `receive` is given for the channel's completion: the iteration ends there. */
export const COMPLETION = Symbol('channel completed');

/** A live entry of the channel: an event, or its completion. */
export type LiveEntry = ServerSentEvent | typeof COMPLETION;

/**
 * One subscriber's queue, as an AsyncIterator written by hand: `return()` (a client
 * disconnect) releases it at once, where an async generator parked on an `await` would
 * wait for the channel's next event. Bounded: a subscriber that falls `maxQueued`
 * events behind is ended, to reconnect and be replayed, rather than grow memory.
 *
 * Live events that arrive while the history is read are held, then those the replay
 * already gave are dropped: nothing falls between the two, nothing comes twice. The
 * channel's completion is one more entry in that order: what came before it is
 * delivered, then the iteration ends.
 */
export class ChannelSubscription
  implements AsyncIterableIterator<ServerSentEvent>, PushSource<ServerSentEvent>
{
  private readonly queue: ServerSentEvent[] = [];
  private pending: PendingNext | undefined;
  private consumer: PushConsumer<ServerSentEvent> | undefined;
  private failure: { error: unknown } | undefined;
  private ended = false;
  private held: Array<[string, LiveEntry]> | undefined = [];
  private replayedUpTo: string | undefined;

  constructor(
    readonly channel: string,
    private readonly maxQueued: number,
    private readonly onEnd: (subscription: ChannelSubscription) => void,
  ) {}

  get isEnded(): boolean {
    return this.ended;
  }

  /** A live entry of the channel. */
  receive(id: string, entry: LiveEntry): void {
    if (this.held) return void this.held.push([id, entry]);
    if (this.replayedUpTo !== undefined) {
      if (compareEventIds(id, this.replayedUpTo) <= 0) return;
      // Events come in order: once past the replay, every later one is too.
      this.replayedUpTo = undefined;
    }
    if (entry === COMPLETION) this.end();
    else this.push(entry);
  }

  /** The replay is queued: live events from after `replayedUpTo` follow. */
  goLive(replayedUpTo: string | undefined): void {
    const held = this.held ?? [];
    this.held = undefined;
    this.replayedUpTo = replayedUpTo;
    for (const [id, entry] of held) this.receive(id, entry);
  }

  push(event: ServerSentEvent): void {
    if (this.ended) return;
    if (this.consumer) {
      if (!this.consumer.accept(event)) this.wakeConsumer();
      return;
    }
    if (this.pending) return this.settle().resolve({ value: event, done: false });
    if (this.queue.length >= this.maxQueued) return this.end();
    this.queue.push(event);
  }

  /** Ends the iteration with an error (e.g. the store failed) once the queue is read. */
  fail(error: unknown): void {
    if (this.ended) return;
    this.failure = { error };
    this.end();
  }

  next(): Promise<IteratorResult<ServerSentEvent>> {
    if (this.queue.length > 0) return Promise.resolve({ value: this.queue.shift()!, done: false });
    if (this.failure) {
      const { error } = this.failure;
      this.failure = undefined;
      return Promise.reject(error);
    }
    if (this.ended) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => (this.pending = { resolve, reject }));
  }

  async return(): Promise<IteratorResult<ServerSentEvent>> {
    this.queue.length = 0;
    this.failure = undefined;
    this.end();
    return DONE;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  [PUSH_EVENTS](consumer: PushConsumer<ServerSentEvent>): void {
    if (this.queue.length > 0 || this.ended) return consumer.wake();
    this.consumer = consumer;
  }

  /** Ends the iteration after what is queued; idempotent. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd(this);
    this.wakeConsumer();
    if (!this.pending) return;
    // Nothing is queued while a next() is pending.
    const { resolve, reject } = this.settle();
    if (!this.failure) return resolve(DONE);
    reject(this.failure.error);
    this.failure = undefined;
  }

  /** The pushed-to consumer goes back to next(). */
  private wakeConsumer(): void {
    const { consumer } = this;
    this.consumer = undefined;
    consumer?.wake();
  }

  private settle(): PendingNext {
    const pending = this.pending!;
    this.pending = undefined;
    return pending;
  }
}
