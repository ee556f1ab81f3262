import { describe, expect, it } from '@jest/globals';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import fc from 'fast-check';
import { formatSseEvent } from 'nestjs-event-stream';

function parse(stream: string): Array<EventSourceMessage> {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  parser.feed(stream);
  return events;
}

// Weighted towards what breaks SSE framing: every kind of line break, NUL, U+2028,
// a BOM, astral characters (emoji) and the text of field names.
const tricky = fc.constantFrom(
  '\n',
  '\r',
  '\r\n',
  '\n\r',
  '\0',
  '\u2028',
  '\u2029',
  '\uFEFF',
  '😀',
  '👩‍👩‍👧',
  'data:',
  'event:',
  'id:',
  'retry:',
  ':',
  ' ',
  '\t',
  'é',
);
const text = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: tricky },
      { weight: 2, arbitrary: fc.string({ unit: 'grapheme' }) },
    ),
    {
      maxLength: 12,
    },
  )
  .map((parts) => parts.join(''));
const singleLine = text.map((value) => value.replace(/[\r\n\0]/g, ''));

describe('formatSseEvent round trip through eventsource-parser', () => {
  it('gives back exactly the data, event and id for 10,000 random strings (BOM first too)', () => {
    fc.assert(
      fc.property(text, singleLine, singleLine, fc.boolean(), (data, event, id, bomFirst) => {
        // A BOM at the very start of a stream is consumed by the decoder, so put it in
        // the value, where it must survive.
        const payload = bomFirst ? `\uFEFF${data}` : data;
        const frame = formatSseEvent({ data: payload, event: event || undefined, id });
        const events = parse(frame + formatSseEvent({ data: 'sentinel' }));
        // SSE joins data lines with LF, so CRLF and lone CR come back as LF: the one
        // change the protocol itself makes (JSON data never holds a raw line break).
        const expectedData = payload.replace(/\r\n?/g, '\n');
        expect(events.slice(0, -1)).toEqual([
          { data: expectedData, event: event || undefined, id },
        ]);
        expect(events.at(-1)).toEqual({ data: 'sentinel', event: undefined, id: undefined });
      }),
      { numRuns: 10_000, seed: 20261124 },
    );
  });

  it('never lets a comment start a field or an event', () => {
    fc.assert(
      fc.property(text, (comment) => {
        expect(parse(formatSseEvent({ comment }) + formatSseEvent({ data: 'x' }))).toEqual([
          { data: 'x', event: undefined, id: undefined },
        ]);
      }),
      { numRuns: 10_000, seed: 7 },
    );
  });
});
