import type { EventEncoder } from '../sse/event-encoder.js';
import { PUSH_EVENTS, type PushConsumer, type PushSource } from '../source/push-source.js';
import type { EventStreamWriter, ReadyWaiter } from './event-stream-writer.js';
import type { Pump } from './pump.js';
import { reportOutcome, type PumpOwner } from './pump-owner.js';
import { returnIterator } from './stream-source.js';

type AnyIterator = AsyncIterator<unknown> | Iterator<unknown>;
type Step = IteratorResult<unknown>;

/**
 * Pull-based: the next value is asked for only once the socket has room, so a slow
 * reader pauses the producer instead of growing a queue. A source that can push (the
 * hub's subscriptions) feeds the writer from the publisher's loop while the socket
 * takes writes, and is pulled from otherwise (queued events, its end, a failure).
 *
 * A state machine of callbacks rather than an async loop: an idle stream (a parked
 * `next()`, or a subscription listened to) holds no promise, no suspended function.
 */
export class IteratorPump implements Pump, PushConsumer<unknown>, ReadyWaiter {
  /** The iterator finished by itself (returned or threw): it is not to be `return()`ed. */
  private done = false;
  /** The stream stopped it: `return()` was asked for. */
  private cancelled = false;
  /** The owner was told how it ended. */
  private reported = false;
  private pushFailure: { error: unknown } | undefined;
  private pushBlocked = false;
  // The callbacks of an awaited `next()`, made on the first one: a source that only
  // pushes never needs them.
  private onStep: ((step: Step) => void) | undefined;
  private onThrow: ((error: unknown) => void) | undefined;
  /** The iterator's side door, if it has one (looked up once, not per value). */
  private readonly pushes: PushSource<unknown> | undefined;

  constructor(
    private readonly iterator: AnyIterator,
    private readonly writer: EventStreamWriter,
    private readonly encode: EventEncoder,
    private readonly owner: PumpOwner,
  ) {
    if (PUSH_EVENTS in iterator) this.pushes = iterator as PushSource<unknown>;
    this.advance();
  }

  cancel(): void {
    if (this.done || this.cancelled) return;
    this.cancelled = true;
    returnIterator(this.iterator);
  }

  // Called by the publisher for each event; false sends the source back to `next()`.
  accept(value: unknown): boolean {
    if (this.stopped) return false;
    try {
      this.pushBlocked = !this.writer.send(this.encode(value));
    } catch (error) {
      this.pushFailure = { error };
      return false;
    }
    return !this.pushBlocked;
  }

  /** The source stopped pushing: something to pull, its end, or the socket is full. */
  wake(): void {
    const failure = this.pushFailure;
    if (failure) {
      this.pushFailure = undefined;
      this.cancel();
      return this.finish(failure);
    }
    if (this.stopped) {
      this.cancel();
      return this.finish();
    }
    if (!this.pushBlocked) return this.pull();
    this.pushBlocked = false;
    this.writer.ready(this);
  }

  /** The writer takes more (or closed). */
  writerReady(): void {
    if (!this.stopped) return this.advance();
    this.cancel();
    this.finish();
  }

  private get stopped(): boolean {
    return this.cancelled || this.writer.isClosed;
  }

  /** The next value: listened for while the source can push, pulled otherwise. */
  private advance(): void {
    if (this.pushes) this.pushes[PUSH_EVENTS](this);
    else this.pull();
  }

  /**
   * `next()` and its write, again while values come synchronously and the writer takes
   * them: a sync iterator's items are taken without a microtask each (`ready()` still
   * yields to the event loop after every batch).
   */
  private pull(): void {
    for (;;) {
      let next: Step | Promise<Step>;
      try {
        next = this.iterator.next();
      } catch (error) {
        return this.threw(error);
      }
      if (isPromise(next)) {
        this.onStep ??= (step) => {
          if (this.take(step)) this.advance();
        };
        this.onThrow ??= (error) => this.threw(error);
        return void next.then(this.onStep, this.onThrow);
      }
      if (!this.take(next)) return;
      if (this.pushes) return this.advance();
    }
  }

  /** Writes one step's value; true when the writer takes more at once. */
  private take(step: Step): boolean {
    if (step.done) {
      this.done = true;
      this.finish();
      return false;
    }
    if (this.stopped) {
      this.cancel();
      this.finish();
      return false;
    }
    let frame: string;
    try {
      frame = this.encode(step.value);
    } catch (error) {
      this.cancel();
      this.finish({ error });
      return false;
    }
    if (this.writer.send(frame)) return true;
    this.writer.ready(this);
    return false;
  }

  // A generator that threw is finished; for-of would not return() it either.
  private threw(error: unknown): void {
    this.done = true;
    this.finish({ error });
  }

  private finish(failure?: { error: unknown }): void {
    if (this.reported) return;
    this.reported = true;
    reportOutcome(this.owner, failure);
  }
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T>).then === 'function';
}
