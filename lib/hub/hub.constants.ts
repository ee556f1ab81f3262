/**
 * The event a subscriber gets first when its Last-Event-ID is older than the history
 * (or unknown): what follows is not everything it missed. Data: `{ lastEventId }`.
 */
export const HISTORY_LOST_EVENT = 'history-lost';

/** Channel names: what Redis keys and URLs carry without escaping. */
export const CHANNEL_NAME = /^[\w.:@/-]{1,200}$/;
