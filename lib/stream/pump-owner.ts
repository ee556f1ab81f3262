/**
 * What a pump tells the one that started it, once. Calls, not a promise: an idle
 * stream holds no promise chain.
 */
export interface PumpOwner {
  /** The source completed. */
  sourceEnded(): void;
  /** The source failed, or one of its values could not be encoded. */
  sourceFailed(error: unknown): void;
}

/**
 * Tells the owner how the source finished, in a microtask: never from inside
 * `startPump` (a synchronous source can finish there), as a promise would.
 */
export function reportOutcome(owner: PumpOwner, failure?: { error: unknown }): void {
  queueMicrotask(() => (failure ? owner.sourceFailed(failure.error) : owner.sourceEnded()));
}
