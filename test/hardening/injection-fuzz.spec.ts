import { describe, expect, it } from '@jest/globals';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import fc from 'fast-check';
import { createEventEncoder, ServerSentEvent } from 'nestjs-event-stream';

const encode = createEventEncoder();

function parse(stream: string): {
  events: EventSourceMessage[];
  retries: number[];
  comments: string[];
} {
  const result = {
    events: [] as EventSourceMessage[],
    retries: [] as number[],
    comments: [] as string[],
  };
  const parser = createParser({
    onEvent: (event) => result.events.push(event),
    onRetry: (retry) => result.retries.push(retry),
    onComment: (comment) => result.comments.push(comment),
  });
  parser.feed(stream);
  return result;
}

// What an attacker would put in an event name, an id, a comment or raw data taken
// from user input: line breaks of every kind, NUL, field names and blank lines.
const hostile = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '\n',
        '\r',
        '\r\n',
        '\n\n',
        '\0',
        'data: x',
        'event: evil',
        'id: 9',
        'retry: 1',
        ':',
        ' ',
      ),
      fc.string({ unit: 'binary' }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));

describe('fields from user input cannot inject a field or an event', () => {
  it('holds for 100,000 random event names, ids, comments and payloads', () => {
    let rejected = 0;
    fc.assert(
      fc.property(
        hostile,
        hostile,
        hostile,
        hostile,
        fc.boolean(),
        (event, id, comment, payload, raw) => {
          let sse: ServerSentEvent;
          try {
            sse = new ServerSentEvent({
              event,
              id,
              comment,
              ...(raw ? { rawData: payload } : { data: payload }),
            });
          } catch (error) {
            // Refused at construction: only for a line break or NUL in `event` or `id`.
            rejected++;
            return error instanceof TypeError && /[\r\n\0]/.test(event + id);
          }
          const { events, retries, comments } = parse(encode(sse));
          const expectedData = raw ? payload.replace(/\r\n?/g, '\n') : JSON.stringify(payload);
          // Plain comparisons keep 100,000 runs fast; fast-check reports a counterexample.
          return (
            events.length === 1 &&
            events[0].event === (event || undefined) &&
            events[0].id === id &&
            events[0].data === expectedData &&
            retries.length === 0 &&
            comments.join('\n') === comment.replace(/\r\n?/g, '\n')
          );
        },
      ),
      { numRuns: 100_000, seed: 42 },
    );
    expect(rejected).toBeGreaterThan(0);
  }, 60_000);
});
