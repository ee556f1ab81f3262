import { createEventEncoder } from './event-encoder.js';
import { ServerSentEvent } from './server-sent-event.js';

/** The name of the event that ends a stream that failed after its first event. */
export const ERROR_EVENT = 'error';

/**
 * The default last frame of a stream that failed: `event: error` with the error body
 * (what Nest's base exception filter would render, already sanitised) as its data.
 */
export function defaultErrorEvent(body: object): ServerSentEvent {
  return new ServerSentEvent({ event: ERROR_EVENT, data: body });
}

// Not the route's encoder: its DTO (`type`) is the events', not the error body's.
const encodePlainEvent = createEventEncoder();

/** The frame of an error event: its data JSON-encoded as it is. */
export function errorFrame(event: ServerSentEvent): string {
  return encodePlainEvent(event);
}
