import { jsonDataFrame, KEEPALIVE_COMMENT, serializeSseFields } from './format-sse-event.js';
import { ServerSentEvent } from './server-sent-event.js';
import { assertSingleLine, describe } from './sse-fields.js';

/**
 * Turns a value into the JSON text of a `data:` field. `event` is the event's name
 * (if any), so a serialiser can pick a class per event. Pluggable: the Nest layer
 * passes one that runs class-transformer first.
 */
export type DataEncoder = (value: unknown, event: string | undefined) => string;

export interface EventEncoderOptions {
  encodeData?: DataEncoder;
  /** The event name given to plain values and to `ServerSentEvent`s that have none. */
  event?: string;
}

/** Turns one yielded value into one complete frame. */
export type EventEncoder = (value: unknown) => string;

export const encodeJson: DataEncoder = (value) => toJson(value, JSON.stringify(value));

/** `JSON.stringify` returns undefined for functions, symbols and `undefined`: refuse them. */
export function toJson(value: unknown, json: string | undefined): string {
  if (json === undefined)
    throw new TypeError(`Cannot encode ${describe(value)} as JSON event data`);
  return json;
}

/**
 * Builds the encoder for one route, once: what a yield becomes on the wire
 * (DESIGN.md's table). `null`/`undefined` is a keep-alive comment.
 */
export function createEventEncoder(options: EventEncoderOptions = {}): EventEncoder {
  const { encodeData = encodeJson, event: defaultEvent } = options;
  if (defaultEvent !== undefined) assertSingleLine('EventStream', 'event', defaultEvent);
  const eventLine = defaultEvent === undefined ? '' : `event: ${defaultEvent}\n`;

  // A ServerSentEvent is not changed once made, and a hub hands the same one to every
  // subscriber of a channel in turn: the frame of the last one is kept for the next.
  let lastEvent: ServerSentEvent | undefined;
  let lastFrame = '';
  return (value) => {
    if (value === null || value === undefined) return KEEPALIVE_COMMENT;
    if (!(value instanceof ServerSentEvent))
      return eventLine + jsonDataFrame(encodeData(value, defaultEvent));
    if (value === lastEvent) return lastFrame;
    const event = value.event ?? defaultEvent;
    lastFrame = serializeSseFields({
      comment: value.comment,
      event,
      id: value.id,
      retry: value.retry,
      data: value.data !== undefined ? encodeData(value.data, event) : value.rawData,
    });
    lastEvent = value;
    return lastFrame;
  };
}
