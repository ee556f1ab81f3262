export { ServerSentEvent, type ServerSentEventInit } from './server-sent-event.js';
export { formatSseEvent, KEEPALIVE_COMMENT } from './format-sse-event.js';
export type { SseFields } from './sse-fields.js';
export {
  createEventEncoder,
  encodeJson,
  type DataEncoder,
  type EventEncoder,
  type EventEncoderOptions,
} from './event-encoder.js';
