import type { EventHubOptions } from '../interfaces/event-hub-options.interface.js';
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

/** The hub's own settings, checked where they are written (`forRoot`) and by the hub. */
export function assertEventHubOptions(owner: string, hub: EventHubOptions | undefined): void {
  if (hub?.maxQueuedEvents !== undefined) {
    assertInteger(owner, 'hub.maxQueuedEvents', hub.maxQueuedEvents, { min: 1 });
  }
}
