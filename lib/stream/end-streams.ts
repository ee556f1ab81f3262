import type { EventStreamResponse } from './event-stream-response.js';

/**
 * Ends the streams at once, or one after another spread evenly over `drain` ms, so
 * that their clients do not all reconnect (to the other instances) in the same instant.
 */
export async function endStreams(streams: EventStreamResponse[], drain: number): Promise<void> {
  const interval = drain / streams.length;
  for (const [index, response] of streams.entries()) {
    if (drain > 0 && index > 0) await new Promise((resolve) => setTimeout(resolve, interval));
    response.shutdown();
  }
}
