import type { EventHub } from 'nestjs-event-stream';

/** Publishes one event of a generation into its channel; resolves with the event's id. */
export type Publish = (value: unknown) => Promise<string>;

/**
 * Runs `produce` detached from the request that started it, publishing into `channel`,
 * and completes the channel when it ends, failed or not: a client that left comes back
 * for the rest (Last-Event-ID, or a rewind), and the channel's subscribers end with it.
 * The promise settles with the generation: a route awaits it after streaming the
 * channel, so that a failure ends that stream with the route's `errorEvent`.
 */
export function startGeneration(
  hub: EventHub,
  channel: string,
  produce: (publish: Publish) => Promise<void>,
): Promise<void> {
  const generation = produce((value) => hub.publish(channel, value)).finally(() =>
    hub.complete(channel),
  );
  // The client may have left, and nobody awaits it: its failure is not unhandled.
  generation.catch(() => undefined);
  return generation;
}
