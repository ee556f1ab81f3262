import { ERROR_EVENT } from '../sse/error-event.js';

/**
 * The events the library itself may send on a stream, beside the route's own. This
 * layer may import only lib/sse: the error event's name comes from there; the hub's
 * name is written here again, and a test keeps it equal to `HISTORY_LOST_EVENT`.
 */

/** The default frame that ends a stream failing after its first event. */
export { ERROR_EVENT };

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
