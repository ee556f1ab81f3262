import { describe, expect, it } from '@jest/globals';
import { formatSseEvent, KEEPALIVE_COMMENT } from 'nestjs-event-stream';

describe('formatSseEvent', () => {
  it('writes fields in the order comment, event, id, retry, data and ends with a blank line', () => {
    expect(
      formatSseEvent({ data: '{"a":1}', event: 'tick', id: '3', retry: 500, comment: 'c' }),
    ).toBe(': c\nevent: tick\nid: 3\nretry: 500\ndata: {"a":1}\n\n');
  });

  it('writes only the fields given', () => {
    expect(formatSseEvent({ data: 'x' })).toBe('data: x\n\n');
    expect(formatSseEvent({ retry: 0 })).toBe('retry: 0\n\n');
    expect(formatSseEvent({ id: '' })).toBe('id: \n\n');
    expect(formatSseEvent({})).toBe('\n');
  });

  it.each([
    ['LF', 'a\nb\nc'],
    ['CRLF', 'a\r\nb\r\nc'],
    ['lone CR', 'a\rb\rc'],
    ['mixed', 'a\r\nb\nc'],
  ])('splits %s data into one data line per line', (_name, data) => {
    expect(formatSseEvent({ data })).toBe('data: a\ndata: b\ndata: c\n\n');
  });

  it('keeps empty lines, leading and trailing line breaks as empty data lines', () => {
    expect(formatSseEvent({ data: '\n' })).toBe('data: \ndata: \n\n');
    expect(formatSseEvent({ data: 'a\n\nb' })).toBe('data: a\ndata: \ndata: b\n\n');
    expect(formatSseEvent({ data: '\r\na' })).toBe('data: \ndata: a\n\n');
    expect(formatSseEvent({ data: '' })).toBe('data: \n\n');
  });

  it('splits multi-line comments into comment lines, so they cannot start a field', () => {
    expect(formatSseEvent({ comment: 'one\ndata: injected\r\nthree\rfour' })).toBe(
      ': one\n: data: injected\n: three\n: four\n\n',
    );
  });

  it('keeps U+2028, NUL and a leading space in data as they are (they are not line breaks)', () => {
    expect(formatSseEvent({ data: ' a\u2028b\0' })).toBe('data:  a\u2028b\0\n\n');
  });

  it.each([
    [{ event: 'a\nb' }, /formatSseEvent: "event" must not contain CR, LF or NUL/],
    [{ id: 'a\rb' }, /formatSseEvent: "id" must not contain CR, LF or NUL/],
    [{ id: 5 }, /formatSseEvent: "id" must be a string, got 5/],
    [{ data: { a: 1 } }, /formatSseEvent: "data" must be a string, got an object/],
    [{ comment: 1 }, /formatSseEvent: "comment" must be a string, got 1/],
    [{ retry: -5 }, /formatSseEvent: "retry" must be a non-negative integer/],
  ])('rejects %p', (fields, message) => {
    expect(() => formatSseEvent(fields as never)).toThrow(message);
  });

  it('rejects a missing argument', () => {
    expect(() => formatSseEvent(undefined as never)).toThrow(
      /expected an object of SSE fields, got undefined/,
    );
  });

  it('exports the keep-alive comment', () => {
    expect(KEEPALIVE_COMMENT).toBe(': ping\n\n');
  });
});
