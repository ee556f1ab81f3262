// The IPC messages between the harness and its child processes (publisher, client fleets).
import type { ClientFigures } from './client-record.js';

/** The number of a warm-up event: published until the series starts, not counted. */
export const WARM_UP_EVENT = -1;

/** Harness → publisher. */
export type PublisherCommand = { type: 'start' };
/** Publisher → harness. */
export type PublisherMessage =
  | { type: 'warming-up' }
  | { type: 'published'; events: number; lastId: string; behindScheduleMs: number };

/** Harness → fleet. */
export type FleetCommand = { type: 'finish'; settleMs: number };
/** Fleet → harness. */
export type FleetMessage =
  | { type: 'ready' }
  | {
      type: 'figures';
      clients: ClientFigures[];
      /** The fleet's event-loop delay: what it adds to every gap measured there. */
      eventLoopDelayMs: { p99: number; max: number };
    };
