/**
 * An optional side door of an event iterator: instead of settling one `next()` promise
 * per event (a microtask hop per subscriber and event), the source hands its events to a
 * consumer as they arrive, synchronously, like a plain `write()` loop over the
 * subscribers. Framework-free, so that the hub can offer it and the stream layer use it
 * without either importing the other.
 */
export const PUSH_EVENTS = Symbol('nestjs-event-stream.pushEvents');

/** Takes pushed events (an object, not two callbacks: nothing allocated per listen). */
export interface PushConsumer<T> {
  /** One event; false: take no more, the consumer goes back to `next()` (`wake` follows). */
  accept(event: T): boolean;
  /** Called once per listen: the consumer goes back to `next()`. */
  wake(): void;
}

export interface PushSource<T> {
  /**
   * Feeds each event to `consumer.accept` until it returns false, then calls
   * `consumer.wake` once; `wake` is also called, at once or later, when `next()` has
   * something else to give (queued events, the end, a failure).
   */
  [PUSH_EVENTS](consumer: PushConsumer<T>): void;
}
