/** Event ids as stores assign them: `<number>-<number>`, like Redis stream ids. */
const EVENT_ID = /^(\d{1,20})-(\d{1,20})$/;

export function parseEventId(id: string): [bigint, bigint] | undefined {
  const match = EVENT_ID.exec(id);
  return match ? [BigInt(match[1]), BigInt(match[2])] : undefined;
}

export function isEventId(id: string): boolean {
  return EVENT_ID.test(id);
}

/**
 * Orders two well-formed ids: negative, zero or positive. Digit by digit, not through
 * numbers: it runs for every event delivered, and allocates nothing.
 */
export function compareEventIds(a: string, b: string): number {
  const aDash = a.indexOf('-');
  const bDash = b.indexOf('-');
  return (
    compareDecimals(a, 0, aDash, b, 0, bDash) ||
    compareDecimals(a, aDash + 1, a.length, b, bDash + 1, b.length)
  );
}

/** Orders the decimal numbers `a[aStart, aEnd)` and `b[bStart, bEnd)`. */
function compareDecimals(
  a: string,
  aStart: number,
  aEnd: number,
  b: string,
  bStart: number,
  bEnd: number,
): number {
  // Leading zeros do not count: then the longer number is the larger.
  while (aStart < aEnd - 1 && a.charCodeAt(aStart) === 48) aStart++;
  while (bStart < bEnd - 1 && b.charCodeAt(bStart) === 48) bStart++;
  const length = aEnd - aStart;
  if (length !== bEnd - bStart) return length < bEnd - bStart ? -1 : 1;
  for (let i = 0; i < length; i++) {
    const difference = a.charCodeAt(aStart + i) - b.charCodeAt(bStart + i);
    if (difference !== 0) return difference < 0 ? -1 : 1;
  }
  return 0;
}
