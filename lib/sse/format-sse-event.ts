import { assertSseFields, type SseFields } from './sse-fields.js';

/** The comment sent after a silence, so proxies and clients keep the connection open. */
export const KEEPALIVE_COMMENT = ': ping\n\n';

// The spec ends a line at CR, LF or CRLF, so each of them must start a new field line.
const LINE_BREAK = /\r\n|\r|\n/;

/**
 * Formats one complete SSE frame (it ends with a blank line). Field order follows
 * FastAPI: comment, event, id, retry, data. Multi-line `data` and `comment` become
 * one line each, so a spec parser gives back exactly the input and a value can never
 * inject a field or a second event.
 */
export function formatSseEvent(fields: SseFields): string {
  assertSseFields('formatSseEvent', fields);
  return serializeSseFields(fields);
}

/** `formatSseEvent` without validation, for fields already checked (a `ServerSentEvent`'s). */
export function serializeSseFields(fields: SseFields): string {
  let frame = '';
  if (fields.comment !== undefined) frame += prefixLines(': ', fields.comment);
  if (fields.event !== undefined) frame += `event: ${fields.event}\n`;
  if (fields.id !== undefined) frame += `id: ${fields.id}\n`;
  if (fields.retry !== undefined) frame += `retry: ${fields.retry}\n`;
  if (fields.data !== undefined) frame += prefixLines('data: ', fields.data);
  return `${frame}\n`;
}

/**
 * The first frame of every stream, sent with the headers: a comment, so that proxies
 * that wait for a first body byte (Cloudflare and others) open the stream at once, and
 * the `retry:` line if there is one, so the client knows its delay before any event.
 */
export function openingFrame(retry: number | undefined): string {
  return retry === undefined ? ':\n\n' : `:\nretry: ${retry}\n\n`;
}

/** One `data:` frame for JSON text, which never holds a raw line break: the hot path. */
export function jsonDataFrame(json: string): string {
  return `data: ${json}\n\n`;
}

function prefixLines(prefix: string, text: string): string {
  if (!text.includes('\n') && !text.includes('\r')) return `${prefix}${text}\n`;
  let out = '';
  for (const line of text.split(LINE_BREAK)) out += `${prefix}${line}\n`;
  return out;
}
