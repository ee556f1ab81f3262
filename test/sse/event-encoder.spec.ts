import { describe, expect, it } from '@jest/globals';
import { createEventEncoder, KEEPALIVE_COMMENT, ServerSentEvent } from 'nestjs-event-stream';

describe('createEventEncoder', () => {
  const encode = createEventEncoder();

  it.each([
    [{ a: 1, b: 'x' }, 'data: {"a":1,"b":"x"}\n\n'],
    ['hello', 'data: "hello"\n\n'],
    ['two\nlines', 'data: "two\\nlines"\n\n'],
    [42, 'data: 42\n\n'],
    [false, 'data: false\n\n'],
    [[1, 'a'], 'data: [1,"a"]\n\n'],
  ])('JSON-encodes %p', (value, frame) => {
    expect(encode(value)).toBe(frame);
  });

  it('turns null and undefined into a keep-alive comment', () => {
    expect(encode(null)).toBe(KEEPALIVE_COMMENT);
    expect(encode(undefined)).toBe(KEEPALIVE_COMMENT);
  });

  it('writes a ServerSentEvent field by field, data JSON-encoded and rawData verbatim', () => {
    expect(
      encode(new ServerSentEvent({ data: 'x', event: 'e', id: 1, retry: 10, comment: 'c' })),
    ).toBe(': c\nevent: e\nid: 1\nretry: 10\ndata: "x"\n\n');
    expect(encode(new ServerSentEvent({ rawData: '[DONE]' }))).toBe('data: [DONE]\n\n');
    expect(encode(new ServerSentEvent({ rawData: 'a\nb' }))).toBe('data: a\ndata: b\n\n');
    expect(encode(new ServerSentEvent({ data: null }))).toBe('data: null\n\n');
    expect(encode(new ServerSentEvent({ id: 'only-id' }))).toBe('id: only-id\n\n');
  });

  it('names plain values and unnamed ServerSentEvents with the default event', () => {
    const named = createEventEncoder({ event: 'tick' });
    expect(named({ a: 1 })).toBe('event: tick\ndata: {"a":1}\n\n');
    expect(named(new ServerSentEvent({ data: 1 }))).toBe('event: tick\ndata: 1\n\n');
    expect(named(new ServerSentEvent({ data: 1, event: 'other' }))).toBe(
      'event: other\ndata: 1\n\n',
    );
  });

  it('hands the event name to the data encoder', () => {
    const seen: Array<[unknown, string | undefined]> = [];
    const custom = createEventEncoder({
      event: 'default',
      encodeData: (value, event) => {
        seen.push([value, event]);
        return '"custom"';
      },
    });
    expect(custom(new ServerSentEvent({ data: 1, event: 'token' }))).toBe(
      'event: token\ndata: "custom"\n\n',
    );
    expect(custom(2)).toBe('event: default\ndata: "custom"\n\n');
    expect(seen).toEqual([
      [1, 'token'],
      [2, 'default'],
    ]);
  });

  it('refuses values that JSON cannot encode, naming them', () => {
    expect(() => encode(() => 1)).toThrow(
      new TypeError('Cannot encode function (anonymous) as JSON event data'),
    );
    expect(() => encode(Symbol('s'))).toThrow(/Cannot encode Symbol\(s\) as JSON event data/);
    expect(() => encode(10n)).toThrow(TypeError);
  });

  it('rejects a default event name with a line break when the route is set up', () => {
    expect(() => createEventEncoder({ event: 'a\nb' })).toThrow(
      /EventStream: "event" must not contain CR, LF or NUL/,
    );
  });
});
