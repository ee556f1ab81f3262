import { assertInteger, describeValue, invalidValue } from './validation.js';

/** The fields of one SSE frame, already encoded: `data` is the text sent on `data:` lines. */
export interface SseFields {
  data?: string;
  event?: string;
  id?: string;
  retry?: number;
  comment?: string;
}

// A CR, LF or NUL in `event` or `id` would end the field early (and inject another
// field) or make browsers ignore the id; the spec gives no way to escape them.
const LINE_BREAK_OR_NUL = /[\r\n\0]/;

export function assertText(owner: string, field: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') throw invalidValue(owner, field, 'must be a string', value);
}

export function assertSingleLine(
  owner: string,
  field: string,
  value: unknown,
): asserts value is string {
  assertText(owner, field, value);
  if (LINE_BREAK_OR_NUL.test(value)) {
    throw invalidValue(owner, field, 'must not contain CR, LF or NUL', value);
  }
}

export function assertRetry(owner: string, value: unknown): asserts value is number {
  if (typeof value !== 'number') {
    throw invalidValue(owner, 'retry', 'must be a number of milliseconds', value);
  }
  assertInteger(owner, 'retry', value, { unit: 'milliseconds' });
}

/** Validates what `formatSseEvent` accepts; the error names the field and the bad value. */
export function assertSseFields(owner: string, fields: SseFields): void {
  if (fields === null || typeof fields !== 'object') {
    throw new TypeError(`${owner}: expected an object of SSE fields, got ${describeValue(fields)}`);
  }
  if (fields.data !== undefined) assertText(owner, 'data', fields.data);
  if (fields.comment !== undefined) assertText(owner, 'comment', fields.comment);
  if (fields.event !== undefined) assertSingleLine(owner, 'event', fields.event);
  if (fields.id !== undefined) assertSingleLine(owner, 'id', fields.id);
  if (fields.retry !== undefined) assertRetry(owner, fields.retry);
}
