import { describe, expect, it } from '@jest/globals';
import { createEventEncoder, ServerSentEvent } from 'nestjs-event-stream';
import { rememberLastFrame } from '../../lib/stream/stream-route.js';

describe('rememberLastFrame', () => {
  it('encodes a ServerSentEvent handed to many subscribers in turn once', () => {
    let encoded = 0;
    const counting = rememberLastFrame(
      createEventEncoder({ encodeData: (value) => (encoded++, JSON.stringify(value)) }),
    );
    const shared = new ServerSentEvent({ id: 1, data: { a: 1 } });
    const frames = [counting(shared), counting(shared), counting(shared)];
    expect(new Set(frames)).toEqual(new Set(['id: 1\ndata: {"a":1}\n\n']));
    expect(encoded).toBe(1);
    counting(new ServerSentEvent({ id: 2, data: { a: 2 } }));
    counting(shared);
    expect(encoded).toBe(3);
  });

  it('encodes plain values every time: they may change between yields', () => {
    let encoded = 0;
    const counting = rememberLastFrame(
      createEventEncoder({ encodeData: (value) => (encoded++, JSON.stringify(value)) }),
    );
    const row = { n: 1 };
    expect(counting(row)).toBe('data: {"n":1}\n\n');
    row.n = 2;
    expect(counting(row)).toBe('data: {"n":2}\n\n');
    expect(encoded).toBe(2);
  });
});
