import { describe, expect, it } from '@jest/globals';
import { ClientRecord } from '../../field/rolling-restart/client-record.js';

/** A record of a client that got `ks`, one every 10 ms, over one connection. */
function recordOf(events: number, ks: number[]): ClientRecord {
  const record = new ClientRecord(events);
  record.opened(0);
  ks.forEach((k, i) => record.event(k, i * 10));
  return record;
}

describe('rolling-restart ClientRecord', () => {
  it('every event once, in order, over one connection: nothing to report', () => {
    expect(recordOf(4, [0, 1, 2, 3]).result(40)).toEqual({
      received: 4,
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      longestGapMs: 10,
      longestGapEndedBy: 1,
      reconnects: 0,
      serverErrors: 0,
      otherStatusErrors: 0,
      connectionErrors: 0,
      historyLost: 0,
      closedForGood: false,
    });
  });

  it('counts copies beyond the first as duplicated, not out of order', () => {
    const figures = recordOf(3, [0, 1, 1, 0, 2]).result(50);
    expect(figures).toMatchObject({ received: 5, duplicated: 2, outOfOrder: 0, lost: 0 });
  });

  it('counts a first copy that arrives after a later event as out of order', () => {
    const figures = recordOf(4, [0, 2, 1, 3]).result(40);
    expect(figures).toMatchObject({ outOfOrder: 1, duplicated: 0, lost: 0 });
  });

  it('counts the events that never came as lost', () => {
    expect(recordOf(5, [0, 3, 4]).result(30)).toMatchObject({ received: 3, lost: 2 });
  });

  it('the longest gap is the longest time between two events', () => {
    const record = new ClientRecord(3);
    record.event(0, 100);
    record.event(1, 1350);
    record.event(2, 1400);
    expect(record.result(5000)).toMatchObject({ longestGapMs: 1250, longestGapEndedBy: 1 });
  });

  it('splits a gap a reconnect ended: until the stream ended, reconnecting, until the first event', () => {
    const record = new ClientRecord(4);
    record.opened(0);
    record.event(0, 10);
    record.event(1, 60);
    // The stream ends 30 ms after event 1; a first try fails, the second gets a response.
    record.error(undefined, false, 90);
    record.error(undefined, false, 150);
    record.opened(200);
    record.event(2, 260);
    record.event(3, 270);
    expect(record.result(300)).toMatchObject({
      longestGapMs: 200,
      longestGapEndedBy: 2,
      longestGapParts: { untilEnd: 30, reconnect: 110, untilEvent: 60 },
    });
  });

  it('a gap without a reconnect in it has no parts', () => {
    const record = new ClientRecord(3);
    record.opened(0);
    record.event(0, 10);
    record.event(1, 500);
    expect(record.result(600).longestGapParts).toBeUndefined();
  });

  it('a client that missed the end has been without events since its last one', () => {
    const record = new ClientRecord(3);
    record.event(0, 100);
    record.event(1, 200);
    expect(record.hasLast).toBe(false);
    expect(record.result(9000)).toMatchObject({
      longestGapMs: 8800,
      longestGapEndedBy: -1,
      lost: 1,
    });
  });

  it('tells when the last event has come, whatever came before', () => {
    const record = recordOf(3, [2]);
    expect(record.hasLast).toBe(true);
  });

  it('counts reconnects as the connections opened after the first', () => {
    const record = new ClientRecord(1);
    expect(record.result(0).reconnects).toBe(0);
    record.opened(0);
    record.opened(0);
    record.opened(0);
    expect(record.result(0).reconnects).toBe(2);
  });

  it('sorts errors: 5xx from the proxy, other statuses, and connections that ended or failed', () => {
    const record = new ClientRecord(1);
    record.error(undefined, false, 0);
    record.error(undefined, false, 0);
    record.error(502, true, 0);
    record.error(404, true, 0);
    expect(record.closedForGood).toBe(true);
    expect(record.result(0)).toMatchObject({
      connectionErrors: 2,
      serverErrors: 1,
      otherStatusErrors: 1,
      closedForGood: true,
    });
  });

  it('counts history-lost events', () => {
    const record = new ClientRecord(1);
    record.historyLost();
    expect(record.result(0).historyLost).toBe(1);
  });

  it.each([-1, 3, 1.5, NaN])('refuses an event number outside the series: %p', (k) => {
    expect(() => new ClientRecord(3).event(k, 0)).toThrow(
      `ClientRecord: event number must be 0 to 2, got ${k}`,
    );
  });
});
