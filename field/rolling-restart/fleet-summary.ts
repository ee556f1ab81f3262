// What every client saw, taken together: totals, and the spread over clients of the
// longest gap and of the reconnects.
import type { ClientFigures, GapParts } from './client-record.js';

export interface Spread {
  p50: number;
  p99: number;
  max: number;
}

export interface FleetSummary {
  clients: number;
  lost: number;
  clientsThatLost: number;
  duplicated: number;
  outOfOrder: number;
  longestGapMs: Spread;
  /** Where the longest gap of all went, when a reconnect ended it. */
  longestGapParts: GapParts | undefined;
  /** The spread of each part over the clients whose longest gap a reconnect ended. */
  gapParts: Record<keyof GapParts, Spread>;
  /** The same over the clients that did not give up (theirs runs to the end). */
  longestGapMsOfThoseThatStayed: Spread;
  reconnects: Spread & { total: number };
  /** Error events with a status of 500 or more: the proxy's 502/504. */
  serverErrors: number;
  clientsWithServerErrors: number;
  otherStatusErrors: number;
  connectionErrors: number;
  historyLost: number;
  closedForGood: number;
}

/** The value at percentile `p` of `values` (nearest rank); NaN when there are none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((sorted.length * p) / 100) - 1)];
}

function spread(values: number[]): Spread {
  return {
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: percentile(values, 100),
  };
}

const sum = (clients: ClientFigures[], figure: (client: ClientFigures) => number) =>
  clients.reduce((total, client) => total + figure(client), 0);
const count = (clients: ClientFigures[], test: (client: ClientFigures) => boolean) =>
  clients.filter(test).length;

export function summarizeFleet(clients: ClientFigures[]): FleetSummary {
  const longest = clients.reduce<ClientFigures | undefined>(
    (found, client) => (found && found.longestGapMs >= client.longestGapMs ? found : client),
    undefined,
  );
  const parts = clients.flatMap((client) => client.longestGapParts ?? []);
  const partSpread = (part: keyof GapParts) => spread(parts.map((gap) => gap[part]));
  return {
    clients: clients.length,
    lost: sum(clients, (client) => client.lost),
    clientsThatLost: count(clients, (client) => client.lost > 0),
    duplicated: sum(clients, (client) => client.duplicated),
    outOfOrder: sum(clients, (client) => client.outOfOrder),
    longestGapMs: spread(clients.map((client) => client.longestGapMs)),
    longestGapParts: longest?.longestGapParts,
    gapParts: {
      untilEnd: partSpread('untilEnd'),
      reconnect: partSpread('reconnect'),
      untilEvent: partSpread('untilEvent'),
    },
    longestGapMsOfThoseThatStayed: spread(
      clients.filter((client) => !client.closedForGood).map((client) => client.longestGapMs),
    ),
    reconnects: {
      total: sum(clients, (client) => client.reconnects),
      ...spread(clients.map((client) => client.reconnects)),
    },
    serverErrors: sum(clients, (client) => client.serverErrors),
    clientsWithServerErrors: count(clients, (client) => client.serverErrors > 0),
    otherStatusErrors: sum(clients, (client) => client.otherStatusErrors),
    connectionErrors: sum(clients, (client) => client.connectionErrors),
    historyLost: sum(clients, (client) => client.historyLost),
    closedForGood: count(clients, (client) => client.closedForGood),
  };
}
