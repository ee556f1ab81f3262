/**
 * An optional side door of an event iterator: instead of settling one `next()` promise
 * per event (a microtask hop per subscriber and event), the source hands its events to a
 * sink as they arrive, synchronously, like a plain `write()` loop over the subscribers.
 * Framework-free, so that the hub can offer it and the stream layer use it without
 * either importing the other.
 */
export const PUSH_EVENTS = Symbol('nestjs-event-stream.pushEvents');

export interface PushSource<T> {
  /**
   * Feeds each event to `sink` until it returns false, then calls `wake` once; `wake` is
   * also called, at once or later, when `next()` has something else to give (queued
   * events, the end, a failure). Either way the consumer goes back to `next()`.
   */
  [PUSH_EVENTS](sink: (event: T) => boolean, wake: () => void): void;
}
