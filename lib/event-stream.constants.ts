/** Injection token of the module-wide options (`EventStreamModule.forRoot`). */
export const EVENT_STREAM_MODULE_OPTIONS = Symbol('EVENT_STREAM_MODULE_OPTIONS');

/** Route metadata key: the normalised `@EventStream()` options of a handler. */
export const EVENT_STREAM_METADATA = 'nestjs-event-stream:options';

/** The request header a reconnecting `EventSource` sends back. */
export const LAST_EVENT_ID_HEADER = 'last-event-id';
