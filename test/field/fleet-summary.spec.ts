import { describe, expect, it } from '@jest/globals';
import { ClientRecord } from '../../field/rolling-restart/client-record.js';
import { percentile, summarizeFleet } from '../../field/rolling-restart/fleet-summary.js';

describe('rolling-restart fleet summary', () => {
  it('percentile: nearest rank, whatever the order', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 99)).toBe(10);
    expect(percentile(values, 100)).toBe(10);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('adds up what the clients saw and spreads the longest gaps and reconnects over them', () => {
    const whole = new ClientRecord(3);
    whole.opened(0);
    [0, 1, 2].forEach((k) => whole.event(k, k * 100));
    const cutOff = new ClientRecord(3);
    cutOff.opened(0);
    cutOff.event(0, 0);
    cutOff.error(502, true, 10);
    const resumed = new ClientRecord(3);
    resumed.opened(0);
    resumed.event(0, 0);
    resumed.error(undefined, false, 400);
    resumed.opened(1450);
    resumed.event(1, 1500);
    resumed.event(1, 1501);
    resumed.event(2, 1502);

    const summary = summarizeFleet([whole, cutOff, resumed].map((record) => record.result(3000)));
    expect(summary).toEqual({
      clients: 3,
      lost: 2,
      clientsThatLost: 1,
      duplicated: 1,
      outOfOrder: 0,
      longestGapMs: { p50: 1500, p99: 3000, max: 3000 },
      // The longest of all ran to the end: no reconnect ended it.
      longestGapParts: undefined,
      gapParts: {
        untilEnd: { p50: 400, p99: 400, max: 400 },
        reconnect: { p50: 1050, p99: 1050, max: 1050 },
        untilEvent: { p50: 50, p99: 50, max: 50 },
      },
      longestGapMsOfThoseThatStayed: { p50: 100, p99: 1500, max: 1500 },
      reconnects: { total: 1, p50: 0, p99: 1, max: 1 },
      serverErrors: 1,
      clientsWithServerErrors: 1,
      otherStatusErrors: 0,
      connectionErrors: 1,
      historyLost: 0,
      closedForGood: 1,
    });
  });
});
