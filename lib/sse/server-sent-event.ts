import { assertRetry, assertSingleLine, assertText } from './sse-fields.js';
import { describeValue, invalidValue } from './validation.js';

export interface ServerSentEventInit<T = unknown> {
  /** JSON-encoded on the wire (a string becomes `"quoted"`). Exclusive with `rawData`. */
  data?: T;
  /** Sent as-is, one `data:` line per line. Exclusive with `data`. */
  rawData?: string;
  /** The event name (`event:`); no CR, LF or NUL. */
  event?: string;
  /** The event id (`id:`), which the client sends back as `Last-Event-ID`; no CR, LF or NUL. */
  id?: string | number;
  /** The client's reconnection delay in milliseconds: a non-negative integer. */
  retry?: number;
  /** A comment line, ignored by clients. */
  comment?: string;
}

const OWNER = 'ServerSentEvent';

/**
 * One event with control over its SSE fields. Validated on construction, so a bad
 * value fails where it was written, not later on the wire.
 */
export class ServerSentEvent<T = unknown> {
  readonly data?: T;
  readonly rawData?: string;
  readonly event?: string;
  readonly id?: string;
  readonly retry?: number;
  readonly comment?: string;

  constructor(init: ServerSentEventInit<T>) {
    if (init === null || typeof init !== 'object') {
      throw new TypeError(`${OWNER}: expected an object of fields, got ${describeValue(init)}`);
    }
    const { data, rawData, event, id, retry, comment } = init;
    if (data !== undefined && rawData !== undefined) {
      throw new TypeError(
        `${OWNER}: "data" and "rawData" are exclusive, got both (rawData ${describeValue(rawData)})`,
      );
    }
    if (rawData !== undefined) assertText(OWNER, 'rawData', rawData);
    if (event !== undefined) assertSingleLine(OWNER, 'event', event);
    if (id !== undefined) this.id = normaliseId(id);
    if (retry !== undefined) assertRetry(OWNER, retry);
    if (comment !== undefined) assertText(OWNER, 'comment', comment);
    this.data = data;
    this.rawData = rawData;
    this.event = event;
    this.retry = retry;
    this.comment = comment;
  }
}

function normaliseId(id: unknown): string {
  if (typeof id === 'number') {
    if (!Number.isFinite(id)) {
      throw invalidValue(OWNER, 'id', 'must be a finite number or a string', id, RangeError);
    }
    return String(id);
  }
  assertSingleLine(OWNER, 'id', id);
  return id;
}
