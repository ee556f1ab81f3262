export { EventHub, type HistoryLost, type SubscribeOptions } from './event-hub.js';
export { ChannelCompletedError } from './channel-completed.error.js';
export type {
  EventStore,
  StoredEvent,
  EventHistory,
  Unsubscribe,
} from './event-store.interface.js';
export { MemoryEventStore, type MemoryEventStoreOptions } from './memory-event-store.js';
export { RedisEventStore, type RedisEventStoreOptions } from './redis-event-store.js';
export { HISTORY_LOST_EVENT } from './hub.constants.js';
