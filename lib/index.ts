export * from './sse/index.js';
export * from './decorators/index.js';
export * from './interfaces/index.js';
export { EventStreamModule } from './event-stream.module.js';
export { EVENT_STREAM_MODULE_OPTIONS } from './event-stream.constants.js';
export * from './hub/index.js';
export { withEventStreamItemSchemas } from './swagger/index.js';
