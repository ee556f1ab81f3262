export type {
  EventStreamDefaults,
  EventStreamOptions,
  EventStreamModuleOptions,
  StreamErrorBody,
  RetryRange,
} from './event-stream-options.interface.js';
export type { EventStreamModuleAsyncOptions } from './event-stream-module-async-options.interface.js';
export type { EventHubOptions } from './event-hub-options.interface.js';
