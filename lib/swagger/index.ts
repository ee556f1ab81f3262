export {
  documentEventStream,
  documentLastEventId,
  EVENT_STREAM_MEDIA_TYPE,
  type EventStreamDocs,
} from './event-stream-api-response.js';
export { withEventStreamItemSchemas } from './event-stream-item-schemas.js';
