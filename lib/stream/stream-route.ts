import type { ExecutionContext } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { EVENT_STREAM_METADATA } from '../event-stream.constants.js';
import type {
  EventStreamModuleOptions,
  EventStreamOptions,
} from '../interfaces/event-stream-options.interface.js';
import { createClassTransformerEncoder } from '../serialize/class-transformer-encoder.js';
import { createEventEncoder, type EventEncoder } from '../sse/event-encoder.js';
import { ServerSentEvent } from '../sse/server-sent-event.js';
import { resolveStreamSettings, type StreamSettings } from './stream-settings.js';

/** Everything about a route that does not change between requests, built once. */
export interface StreamRoute {
  /** `Controller.method`, for logs. */
  name: string;
  /** 200 on every method (an SSE stream over POST is 200, not 201), or `@HttpCode()`'s. */
  status: number;
  settings: StreamSettings;
  encode: EventEncoder;
}

export function compileStreamRoute(
  context: ExecutionContext,
  moduleOptions: EventStreamModuleOptions | undefined,
): StreamRoute {
  const handler = context.getHandler();
  const options: EventStreamOptions = Reflect.getMetadata(EVENT_STREAM_METADATA, handler) ?? {};
  const settings = resolveStreamSettings(moduleOptions, options);
  const { type, events, event } = options;
  const encodeData = createClassTransformerEncoder({ type, events, serialize: settings.serialize });
  return {
    name: `${context.getClass().name}.${handler.name}`,
    status: Reflect.getMetadata(HTTP_CODE_METADATA, handler) ?? 200,
    settings,
    encode: rememberLastFrame(createEventEncoder({ event, encodeData })),
  };
}

/**
 * A hub hands the same `ServerSentEvent` to every subscriber of a channel in turn, and a
 * `ServerSentEvent` does not change once made: the frame of the last one is kept for
 * the next subscriber, so an event is encoded once per route, not once per subscriber.
 */
export function rememberLastFrame(encode: EventEncoder): EventEncoder {
  let lastValue: ServerSentEvent | undefined;
  let lastFrame = '';
  return (value) => {
    if (value === lastValue) return lastFrame;
    const frame = encode(value);
    if (value instanceof ServerSentEvent) {
      lastValue = value;
      lastFrame = frame;
    }
    return frame;
  };
}
