import { describe } from '../sse/sse-fields.js';

/** The options both stores take, checked alike. */
export function assertHistorySize(owner: string, historySize: unknown): void {
  if (!Number.isSafeInteger(historySize) || (historySize as number) < 1) {
    throw new RangeError(
      `${owner}: "historySize" must be a positive integer, got ${describe(historySize)}`,
    );
  }
}

export function assertExpireAfter(owner: string, expireAfter: unknown): void {
  if (expireAfter === undefined) return;
  if (!Number.isSafeInteger(expireAfter) || (expireAfter as number) < 1) {
    throw new RangeError(
      `${owner}: "expireAfter" must be a positive integer (ms), got ${describe(expireAfter)}`,
    );
  }
}
