export {
  collectEvents,
  type CollectedEvent,
  type CollectedStream,
  type CollectEventsOptions,
  type StreamTarget,
} from './collect-events.js';
