import type { Observable, Subscription } from 'rxjs';
import type { EventEncoder } from '../sse/event-encoder.js';
import type { EventStreamWriter } from './event-stream-writer.js';
import type { Pump } from './pump.js';

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

/** Push-based: an Observable cannot be paused, so its unsent frames are bounded. */
export class ObservablePump implements Pump {
  readonly finished: Promise<void>;
  // A synchronous source emits inside subscribe(), before its Subscription exists:
  // `stopped` makes it inert at once, and it is unsubscribed as soon as it can be.
  private stopped = false;
  private subscription: Subscription | undefined;

  constructor(
    observable: Observable<unknown>,
    private readonly writer: EventStreamWriter,
    private readonly encode: EventEncoder,
    private readonly maxBufferedBytes: number,
  ) {
    this.finished = new Promise((resolve, reject) => {
      const fail = (error: unknown): void => {
        this.cancel();
        reject(error);
      };
      this.subscription = observable.subscribe({
        next: (value) => {
          if (this.stopped) return;
          let frame: string;
          try {
            frame = this.encode(value);
          } catch (error) {
            return fail(error);
          }
          const { writer } = this;
          if (!writer.send(frame) && writer.bufferedBytes > this.maxBufferedBytes) {
            fail(new BufferLimitExceededError(writer.bufferedBytes, this.maxBufferedBytes));
          }
        },
        error: reject,
        complete: resolve,
      });
      if (this.stopped) this.subscription.unsubscribe();
    });
  }

  cancel(): void {
    this.stopped = true;
    this.subscription?.unsubscribe();
  }
}
