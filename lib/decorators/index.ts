export { EventStream } from './event-stream.decorator.js';
export { LastEventId } from './last-event-id.decorator.js';
export { EventStreamSignal } from './event-stream-signal.decorator.js';
