import { describe, expect, it } from '@jest/globals';
import { compareEventIds, isEventId, parseEventId } from '../../lib/hub/event-id.js';

/** The order of the ids' numbers, through BigInt. */
function byNumbers(a: string, b: string): number {
  const [a1, a2] = parseEventId(a)!;
  const [b1, b2] = parseEventId(b)!;
  if (a1 !== b1) return a1 < b1 ? -1 : 1;
  return a2 === b2 ? 0 : a2 < b2 ? -1 : 1;
}

describe('event ids', () => {
  it('compareEventIds orders ids by their numbers, leading zeros or not', () => {
    const cases: [string, string, number][] = [
      ['1-0', '1-0', 0],
      ['1-0', '1-1', -1],
      ['2-0', '1-99', 1],
      ['10-0', '9-0', 1],
      ['007-1', '7-1', 0],
      ['0-0', '00-000', 0],
      ['1733-5', '1733-10', -1],
      ['18446744073709551615-18446744073709551615', '18446744073709551615-18446744073709551614', 1],
    ];
    for (const [a, b, order] of cases) {
      expect([a, b, compareEventIds(a, b)]).toEqual([a, b, order]);
      expect([b, a, compareEventIds(b, a)]).toEqual([b, a, -order || 0]);
    }
  });

  it('compareEventIds agrees with the numbers on random ids', () => {
    // A fixed generator: the same ids on every run.
    let seed = 42;
    const random = (below: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % below;
    const part = () => '0'.repeat(random(3)) + String(random(3) === 0 ? random(10) : random(1e6));
    for (let i = 0; i < 5000; i++) {
      const [a, b] = [`${part()}-${part()}`, `${part()}-${part()}`];
      expect([a, b, compareEventIds(a, b)]).toEqual([a, b, byNumbers(a, b)]);
    }
  });

  it('isEventId takes what parseEventId parses', () => {
    for (const id of ['1-0', '0-0', '12345678901234567890-1'])
      expect([id, isEventId(id)]).toEqual([id, true]);
    for (const id of ['', '1', '1-', '-1', 'a-1', '1-0 ', '123456789012345678901-0'])
      expect([id, isEventId(id), parseEventId(id)]).toEqual([id, false, undefined]);
  });
});
