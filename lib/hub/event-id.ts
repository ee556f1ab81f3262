/** Event ids as stores assign them: `<number>-<number>`, like Redis stream ids. */
const EVENT_ID = /^(\d{1,20})-(\d{1,20})$/;

export function parseEventId(id: string): [bigint, bigint] | undefined {
  const match = EVENT_ID.exec(id);
  return match ? [BigInt(match[1]), BigInt(match[2])] : undefined;
}

/** Orders two well-formed ids: negative, zero or positive. */
export function compareEventIds(a: string, b: string): number {
  const [a1, a2] = parseEventId(a)!;
  const [b1, b2] = parseEventId(b)!;
  if (a1 !== b1) return a1 < b1 ? -1 : 1;
  return a2 === b2 ? 0 : a2 < b2 ? -1 : 1;
}
