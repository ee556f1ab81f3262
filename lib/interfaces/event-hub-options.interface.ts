import type { EventStore } from '../hub/event-store.interface.js';

export interface EventHubOptions {
  /** Where events and their history live. Default: a `MemoryEventStore`. */
  store?: EventStore;
}
