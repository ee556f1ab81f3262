import type { EventEncoder } from '../sse/event-encoder.js';
import type { EventStreamWriter } from './event-stream-writer.js';
import { IteratorPump } from './iterator-pump.js';
import { ObservablePump } from './observable-pump.js';
import type { PumpOwner } from './pump-owner.js';
import type { StreamSource } from './stream-source.js';

export type { PumpOwner } from './pump-owner.js';

/** Feeds a source's values, encoded, into a writer, honouring its backpressure. */
export interface Pump {
  /** Stops the source now: `return()` on an iterator, unsubscribe from an Observable. */
  cancel(): void;
}

export function startPump(
  source: StreamSource,
  writer: EventStreamWriter,
  encode: EventEncoder,
  maxBufferedBytes: number,
  owner: PumpOwner,
): Pump {
  return source.kind === 'iterator'
    ? new IteratorPump(source.iterator, writer, encode, owner)
    : new ObservablePump(source.observable, writer, encode, maxBufferedBytes, owner);
}
