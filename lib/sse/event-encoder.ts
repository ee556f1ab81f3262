import { jsonDataFrame, KEEPALIVE_COMMENT, serializeSseFields } from './format-sse-event.js';
import { ServerSentEvent } from './server-sent-event.js';
import { assertSingleLine } from './sse-fields.js';
import { describeValue } from './validation.js';

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

export const encodeJson: DataEncoder = (value) => checkedJson(value, JSON.stringify(value));

/**
 * `json`, the `JSON.stringify` of `value`, when there is one: it returns undefined for
 * functions, symbols and `undefined`, which have no JSON to send.
 */
export function checkedJson(value: unknown, json: string | undefined): string {
  if (json === undefined) {
    throw new TypeError(`Cannot encode ${describeValue(value)} as JSON event data`);
  }
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
  return (value) => {
    if (value === null || value === undefined) return KEEPALIVE_COMMENT;
    if (!(value instanceof ServerSentEvent)) {
      return eventLine + jsonDataFrame(encodeData(value, defaultEvent));
    }
    const event = value.event ?? defaultEvent;
    return serializeSseFields({
      comment: value.comment,
      event,
      id: value.id,
      retry: value.retry,
      data: value.data !== undefined ? encodeData(value.data, event) : value.rawData,
    });
  };
}
