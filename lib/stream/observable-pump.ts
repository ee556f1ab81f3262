import type { Observable, Subscription } from 'rxjs';
import type { EventEncoder } from '../sse/event-encoder.js';
import type { EventStreamWriter } from './event-stream-writer.js';
import type { Pump } from './pump.js';
import { reportOutcome, type PumpOwner } from './pump-owner.js';

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
  // A synchronous source emits inside subscribe(), before its Subscription exists:
  // `stopped` makes it inert at once, and it is unsubscribed as soon as it can be.
  private stopped = false;
  /** The owner was told how it ended. */
  private reported = false;
  private subscription: Subscription | undefined;

  constructor(
    observable: Observable<unknown>,
    private readonly writer: EventStreamWriter,
    private readonly encode: EventEncoder,
    private readonly maxBufferedBytes: number,
    private readonly owner: PumpOwner,
  ) {
    this.subscription = observable.subscribe({
      next: (value) => {
        if (this.stopped) return;
        let frame: string;
        try {
          frame = this.encode(value);
        } catch (error) {
          return this.fail(error);
        }
        const { writer } = this;
        if (!writer.send(frame) && writer.bufferedBytes > this.maxBufferedBytes) {
          this.fail(new BufferLimitExceededError(writer.bufferedBytes, this.maxBufferedBytes));
        }
      },
      error: (error: unknown) => this.finish({ error }),
      complete: () => this.finish(),
    });
    if (this.stopped) this.subscription.unsubscribe();
  }

  cancel(): void {
    this.stopped = true;
    this.subscription?.unsubscribe();
  }

  private fail(error: unknown): void {
    this.cancel();
    this.finish({ error });
  }

  private finish(failure?: { error: unknown }): void {
    if (this.reported) return;
    this.reported = true;
    reportOutcome(this.owner, failure);
  }
}
