import type { EventEncoder } from '../sse/event-encoder.js';
import type { EventStreamWriter } from './event-stream-writer.js';
import { IteratorPump } from './iterator-pump.js';
import { ObservablePump } from './observable-pump.js';
import type { StreamSource } from './stream-source.js';

/** Feeds a source's values, encoded, into a writer, honouring its backpressure. */
export interface Pump {
  /** Resolves when the source completes; rejects with its error (or an encoding error). */
  readonly finished: Promise<void>;
  /** Stops the source now: `return()` on an iterator, unsubscribe from an Observable. */
  cancel(): void;
}

export function startPump(
  source: StreamSource,
  writer: EventStreamWriter,
  encode: EventEncoder,
  maxBufferedBytes: number,
): Pump {
  return source.kind === 'iterator'
    ? new IteratorPump(source.iterator, writer, encode)
    : new ObservablePump(source.observable, writer, encode, maxBufferedBytes);
}
