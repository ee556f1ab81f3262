import { isObservable, type Observable } from 'rxjs';

/** What an `@EventStream()` method may stream from, once any Promise has settled. */
export type StreamSource =
  | { kind: 'iterator'; iterator: AsyncIterator<unknown> | Iterator<unknown> }
  | { kind: 'observable'; observable: Observable<unknown> };

/**
 * Recognises a stream source; `undefined` for anything else, which is answered as JSON
 * (strings are not sources).
 */
export function toStreamSource(value: unknown): StreamSource | undefined {
  if (isObservable(value)) return { kind: 'observable', observable: value };
  if (value === null || typeof value !== 'object') return undefined;
  const iterable = value as Partial<AsyncIterable<unknown> & Iterable<unknown>>;
  const asyncIterator = iterable[Symbol.asyncIterator];
  if (typeof asyncIterator === 'function') {
    return { kind: 'iterator', iterator: asyncIterator.call(value) };
  }
  const syncIterator = iterable[Symbol.iterator];
  if (typeof syncIterator === 'function') {
    return { kind: 'iterator', iterator: syncIterator.call(value) };
  }
  return undefined;
}

/**
 * Asks an iterator to finish (`return()`), in a microtask and ignoring its errors: an
 * async generator queues it behind a pending `next()`, so its `finally` runs at its next
 * `yield` (a parked one is reached through the route's AbortSignal).
 */
export function returnIterator(iterator: AsyncIterator<unknown> | Iterator<unknown>): void {
  Promise.resolve()
    .then(() => iterator.return?.())
    .catch(() => undefined);
}
