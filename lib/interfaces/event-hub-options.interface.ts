import type { EventStore } from '../hub/event-store.interface.js';

export interface EventHubOptions {
  /** Where events and their history live. Default: a `MemoryEventStore`. */
  store?: EventStore;
  /**
   * Events a subscriber may fall behind by before its stream is ended (its client
   * reconnects with Last-Event-ID and is replayed). Default 1000.
   */
  maxQueuedEvents?: number;
}
