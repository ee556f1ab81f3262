import { describe, expect, it } from '@jest/globals';
import { ServerSentEvent } from 'nestjs-event-stream';

describe('ServerSentEvent', () => {
  it('keeps every field and turns a numeric id into a string', () => {
    const event = new ServerSentEvent({
      data: { a: 1 },
      event: 'tick',
      id: 7,
      retry: 1000,
      comment: 'hi',
    });
    expect(event).toMatchObject({
      data: { a: 1 },
      event: 'tick',
      id: '7',
      retry: 1000,
      comment: 'hi',
    });
    expect(new ServerSentEvent({ rawData: '[DONE]' }).rawData).toBe('[DONE]');
  });

  it('accepts null data and an empty init', () => {
    expect(new ServerSentEvent({ data: null }).data).toBeNull();
    expect(new ServerSentEvent({})).toBeInstanceOf(ServerSentEvent);
  });

  it.each([
    [{ data: 1, rawData: 'x' }, TypeError, /"data" and "rawData" are exclusive/],
    [{ rawData: 5 }, TypeError, /"rawData" must be a string, got 5/],
    [{ event: 'a\nb' }, TypeError, /"event" must not contain CR, LF or NUL, got "a\\nb"/],
    [{ event: 'a\rb' }, TypeError, /"event" must not contain CR, LF or NUL, got "a\\rb"/],
    [{ event: 'a\0b' }, TypeError, /"event" must not contain CR, LF or NUL, got "a\\u0000b"/],
    [{ event: 3 }, TypeError, /"event" must be a string, got 3/],
    [{ id: 'x\r\ny' }, TypeError, /"id" must not contain CR, LF or NUL, got "x\\r\\ny"/],
    [{ id: 'x\0' }, TypeError, /"id" must not contain CR, LF or NUL/],
    [{ id: Number.NaN }, RangeError, /"id" must be a finite number or a string, got NaN/],
    [{ id: Infinity }, RangeError, /"id" must be a finite number or a string, got Infinity/],
    [{ id: {} }, TypeError, /"id" must be a string, got an object \(Object\)/],
    [{ retry: -1 }, RangeError, /"retry" must be a non-negative integer \(milliseconds\), got -1/],
    [
      { retry: 1.5 },
      RangeError,
      /"retry" must be a non-negative integer \(milliseconds\), got 1.5/,
    ],
    [{ retry: Number.NaN }, RangeError, /"retry" must be a non-negative integer/],
    [{ retry: '100' }, TypeError, /"retry" must be a number of milliseconds, got "100"/],
    [{ comment: ['x'] }, TypeError, /"comment" must be a string, got an array/],
  ])('rejects %p', (init, errorClass, message) => {
    const build = () => new ServerSentEvent(init as never);
    expect(build).toThrow(errorClass);
    expect(build).toThrow(message);
    expect(build).toThrow(/^ServerSentEvent: /);
  });

  it('rejects a missing init with a clear message', () => {
    expect(() => new ServerSentEvent(null as never)).toThrow(
      new TypeError('ServerSentEvent: expected an object of fields, got null'),
    );
  });

  it('shortens a long bad value in the message', () => {
    const long = `${'x'.repeat(200)}\n`;
    expect(() => new ServerSentEvent({ event: long })).toThrow(`got "${'x'.repeat(80)}…"`);
  });
});
