/**
 * The events the library itself may send on a stream, beside the route's own. This
 * layer may import only lib/sse, so the names are written here again; a test keeps them
 * equal to the stream's error frame and to `HISTORY_LOST_EVENT` of lib/hub.
 */

/** The default frame that ends a stream failing after its first event. */
export const ERROR_EVENT = 'error';

/** Sent first by `EventHub.subscribe()` when the Last-Event-ID is older than the history. */
export const HISTORY_LOST_EVENT = 'history-lost';

/** `data` of the default error frame: the body Nest's base exception filter renders. */
export const ERROR_DATA_SCHEMA = {
  type: 'object',
  description:
    "The body Nest's base exception filter would send (no stack; a non-HTTP error is a generic 500).",
  required: ['statusCode', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    message: { description: 'A string, or the list of messages of a validation error.' },
    error: { type: 'string' },
  },
};

/** `data` of `history-lost`. */
export const HISTORY_LOST_DATA_SCHEMA = {
  type: 'object',
  required: ['lastEventId'],
  properties: {
    lastEventId: { type: 'string', description: 'The Last-Event-ID the client sent.' },
  },
};
