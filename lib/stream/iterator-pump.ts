import type { EventEncoder } from '../sse/event-encoder.js';
import { PUSH_EVENTS, type PushSource } from '../source/push-source.js';
import type { EventStreamWriter } from './event-stream-writer.js';
import type { Pump } from './pump.js';
import { returnIterator } from './stream-source.js';

type AnyIterator = AsyncIterator<unknown> | Iterator<unknown>;

/**
 * Pull-based: the next value is asked for only once the socket has room, so a slow
 * reader pauses the producer instead of growing a queue. A source that can push (the
 * hub's subscriptions) feeds the writer from the publisher's loop while the socket
 * takes writes, and is pulled from otherwise (queued events, its end, a failure).
 */
export class IteratorPump implements Pump {
  readonly finished: Promise<void>;
  /** The iterator finished by itself (returned or threw): it is not to be `return()`ed. */
  private done = false;
  /** The stream stopped it: `return()` was asked for. */
  private cancelled = false;
  private pushFailure: { error: unknown } | undefined;
  private pushBlocked = false;

  constructor(
    private readonly iterator: AnyIterator,
    private readonly writer: EventStreamWriter,
    private readonly encode: EventEncoder,
  ) {
    this.finished =
      PUSH_EVENTS in iterator ? this.pushLoop(iterator as PushSource<unknown>) : this.pullLoop();
  }

  cancel(): void {
    if (this.done || this.cancelled) return;
    this.cancelled = true;
    returnIterator(this.iterator);
  }

  private get stopped(): boolean {
    return this.cancelled || this.writer.isClosed;
  }

  private async pullLoop(): Promise<void> {
    for (;;) {
      const more = this.pullOne();
      if (!(isPromise(more) ? await more : more)) return;
    }
  }

  private async pushLoop(source: PushSource<unknown>): Promise<void> {
    for (;;) {
      await new Promise<void>((wake) => source[PUSH_EVENTS](this.sink, wake));
      if (this.pushFailure) {
        this.cancel();
        throw this.pushFailure.error;
      }
      if (this.stopped) return this.cancel();
      if (this.pushBlocked) {
        this.pushBlocked = false;
        await this.writer.ready();
      }
      const more = this.pullOne();
      if (!(isPromise(more) ? await more : more)) return;
    }
  }

  // Called by the publisher for each event; false sends the source back to `next()`.
  private readonly sink = (value: unknown): boolean => {
    if (this.stopped) return false;
    try {
      this.pushBlocked = !this.writer.send(this.encode(value));
    } catch (error) {
      this.pushFailure = { error };
      return false;
    }
    return !this.pushBlocked;
  };

  /**
   * One `next()` and its write; false once the source is done or the stream stopped.
   * Synchronous while it can be: a sync iterator's items are taken without a microtask
   * each (`ready()` still yields to the event loop after every batch).
   */
  private pullOne(): boolean | Promise<boolean> {
    let next: IteratorResult<unknown> | Promise<IteratorResult<unknown>>;
    try {
      next = this.iterator.next();
    } catch (error) {
      return this.threw(error);
    }
    return isPromise(next) ? next.then(this.write, this.threw) : this.write(next);
  }

  private readonly write = (step: IteratorResult<unknown>): boolean | Promise<boolean> => {
    if (step.done) {
      this.done = true;
      return false;
    }
    if (this.stopped) {
      this.cancel();
      return false;
    }
    let frame: string;
    try {
      frame = this.encode(step.value);
    } catch (error) {
      this.cancel();
      throw error;
    }
    return this.writer.send(frame) || this.writer.ready().then(() => true);
  };

  // A generator that threw is finished; for-of would not return() it either.
  private readonly threw = (error: unknown): never => {
    this.done = true;
    throw error;
  };
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T>).then === 'function';
}
