import type { Subscription } from 'rxjs';
import type { EventEncoder } from '../sse/event-encoder.js';
import { PUSH_EVENTS, type PushSource } from '../source/push-source.js';
import { closeEventSource, type EventSource } from './event-source.js';
import type { EventStreamWriter } from './event-stream-writer.js';

/** An Observable produced faster than its client reads, past the route's bound. */
export class BufferLimitExceededError extends Error {
  constructor(
    readonly bufferedBytes: number,
    readonly limit: number,
  ) {
    super(`client did not keep up: ${bufferedBytes} bytes unsent, over the limit of ${limit}`);
    this.name = 'BufferLimitExceededError';
  }
}

export interface PipedEventSource {
  /** Resolves when the source completes; rejects with its error (or an encoding error). */
  readonly finished: Promise<void>;
  /** Stops the source now: `return()` on an iterator, unsubscribe from an Observable. */
  cancel(): void;
}

/** Feeds a source's values, encoded, into the writer, honouring its backpressure. */
export function pipeEventSource(
  source: EventSource,
  writer: EventStreamWriter,
  encode: EventEncoder,
  maxBufferedBytes: number,
): PipedEventSource {
  return source.kind === 'iterator'
    ? pipeIterator(source, writer, encode)
    : pipeObservable(source, writer, encode, maxBufferedBytes);
}

// Pull-based: the next value is asked for only once the socket has room, so a slow
// reader pauses the producer instead of growing a queue.
function pipeIterator(
  source: Extract<EventSource, { kind: 'iterator' }>,
  writer: EventStreamWriter,
  encode: EventEncoder,
): PipedEventSource {
  const { iterator } = source;
  let closed = false;
  // An async generator queues return() behind a pending next(): its `finally` runs at
  // its next yield; a parked one is reached through the route's AbortSignal.
  const close = (): void => {
    if (closed) return;
    closed = true;
    closeEventSource(source);
  };
  // A source that can push (the hub's subscriptions) feeds the writer straight from the
  // publisher's loop while the socket takes writes; the loop below takes over otherwise.
  const pushSource = PUSH_EVENTS in iterator ? (iterator as PushSource<unknown>) : undefined;
  let pushFailure: { error: unknown } | undefined;
  let pushBlocked = false;
  const sink = (value: unknown): boolean => {
    if (closed || writer.isClosed) return false;
    try {
      pushBlocked = !writer.send(encode(value));
    } catch (error) {
      pushFailure = { error };
      return false;
    }
    return !pushBlocked;
  };
  const finished = (async () => {
    for (;;) {
      if (pushSource) {
        await new Promise<void>((wake) => pushSource[PUSH_EVENTS](sink, wake));
        if (pushFailure) {
          close();
          throw pushFailure.error;
        }
        if (closed || writer.isClosed) return close();
        if (pushBlocked) {
          pushBlocked = false;
          await writer.ready();
        }
      }
      let step: IteratorResult<unknown>;
      try {
        // A sync iterator's items are taken without a microtask each; `ready()` below
        // still yields to the event loop after every batch.
        const next = iterator.next();
        step = isPromise(next) ? await next : next;
      } catch (error) {
        closed = true; // a generator that threw is finished; for-of would not return() it
        throw error;
      }
      if (step.done) {
        closed = true;
        return;
      }
      if (closed || writer.isClosed) return close();
      let frame: string;
      try {
        frame = encode(step.value);
      } catch (error) {
        close();
        throw error;
      }
      if (!writer.send(frame)) await writer.ready();
    }
  })();
  return { finished, cancel: close };
}

// Push-based: an Observable cannot be paused, so its unsent frames are bounded.
function pipeObservable(
  source: Extract<EventSource, { kind: 'observable' }>,
  writer: EventStreamWriter,
  encode: EventEncoder,
  maxBufferedBytes: number,
): PipedEventSource {
  // A synchronous source emits inside subscribe(), before its Subscription exists:
  // `stopped` makes it inert at once, and it is unsubscribed as soon as it can be.
  let stopped = false;
  let subscription: Subscription | undefined;
  const stop = (): void => {
    stopped = true;
    subscription?.unsubscribe();
  };
  const finished = new Promise<void>((resolve, reject) => {
    const fail = (error: unknown): void => {
      stop();
      reject(error);
    };
    subscription = source.observable.subscribe({
      next(value) {
        if (stopped) return;
        let frame: string;
        try {
          frame = encode(value);
        } catch (error) {
          return fail(error);
        }
        if (!writer.send(frame) && writer.bufferedBytes > maxBufferedBytes) {
          fail(new BufferLimitExceededError(writer.bufferedBytes, maxBufferedBytes));
        }
      },
      error: reject,
      complete: resolve,
    });
    if (stopped) subscription.unsubscribe();
  });
  return { finished, cancel: stop };
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T>).then === 'function';
}
