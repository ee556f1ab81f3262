import { isObservable, type Observable } from 'rxjs';

/** What an `@EventStream()` method may return, once any Promise has settled. */
export type EventSource =
  | { kind: 'iterator'; iterator: AsyncIterator<unknown> | Iterator<unknown> }
  | { kind: 'observable'; observable: Observable<unknown> };

/** Recognises a stream source; `undefined` for anything else (strings are not sources). */
export function toEventSource(value: unknown): EventSource | undefined {
  if (isObservable(value)) return { kind: 'observable', observable: value };
  if (value === null || typeof value !== 'object') return undefined;
  const iterable = value as Partial<AsyncIterable<unknown> & Iterable<unknown>>;
  const asyncIterator = iterable[Symbol.asyncIterator];
  if (typeof asyncIterator === 'function')
    return { kind: 'iterator', iterator: asyncIterator.call(value) };
  const syncIterator = iterable[Symbol.iterator];
  if (typeof syncIterator === 'function')
    return { kind: 'iterator', iterator: syncIterator.call(value) };
  return undefined;
}

/** Releases a source that will not be read (its client left before it was returned). */
export function closeEventSource(source: EventSource | undefined): void {
  if (source?.kind !== 'iterator') return;
  Promise.resolve()
    .then(() => source.iterator.return?.())
    .catch(() => undefined);
}
