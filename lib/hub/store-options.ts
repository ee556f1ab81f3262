import { assertInteger } from '../sse/validation.js';

/** The options both stores take, checked alike. */
export function assertHistorySize(owner: string, historySize: unknown): void {
  assertInteger(owner, 'historySize', historySize, { min: 1 });
}

export function assertExpireAfter(owner: string, expireAfter: unknown): void {
  if (expireAfter !== undefined) {
    assertInteger(owner, 'expireAfter', expireAfter, { min: 1, unit: 'milliseconds' });
  }
}
