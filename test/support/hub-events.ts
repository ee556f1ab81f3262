import type { ServerSentEvent } from 'nestjs-event-stream';

/** The next `count` events of a subscription (fewer if it ends first). */
export async function nextEvents(
  iterator: AsyncIterator<ServerSentEvent>,
  count: number,
): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
    events.push(step.value);
    if (events.length === count) break;
  }
  return events;
}

/** Waits, a macrotask at a time, until `condition` holds. */
export async function eventually(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; !condition(); i++) {
    if (i > 200_000) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
