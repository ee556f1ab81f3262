import { describe, expect, it } from '@jest/globals';
import { ClientRecord } from '../../field/rolling-restart/client-record.js';
import { summarizeFleet, type FleetSummary } from '../../field/rolling-restart/fleet-summary.js';
import {
  failed,
  failedConditions,
  formatDetails,
  formatTable,
  scenarioError,
  type ScenarioOutcome,
} from '../../field/rolling-restart/report.js';
import type { Restart, Scenario } from '../../field/rolling-restart/scenario.js';

const baseline: Scenario = { name: 'sigterm', signal: 'SIGTERM', flags: {}, asserted: false };
const tuned: Scenario = {
  ...baseline,
  name: 'sigterm-drain-jitter',
  asserted: true,
  maxGapMs: 500,
};
const ENOUGH_SERIES_LEFT = 10_000;
const clean: Restart[] = ['A', 'B'].map((instance) => ({
  instance,
  stopMs: 100,
  killed: false,
  healthyMs: 2000,
}));

/** One client that got events 0 … 3 at `times`, after `setUp`. */
function summaryOf(times: number[], setUp?: (record: ClientRecord) => void): FleetSummary {
  const record = new ClientRecord(4);
  record.opened(0);
  setUp?.(record);
  times.forEach((at, k) => record.event(k, at));
  return summarizeFleet([record.result(times.at(-1) ?? 0)]);
}

describe('rolling-restart pass conditions', () => {
  it('a run where every client got every event once, in order, passes', () => {
    expect(
      failedConditions(tuned, summaryOf([0, 100, 550, 600]), clean, ENOUGH_SERIES_LEFT),
    ).toEqual([]);
  });

  it('fails on events lost, duplicated or out of order', () => {
    const record = new ClientRecord(4);
    [0, 2, 1, 1].forEach((k, i) => record.event(k, i));
    const summary = summarizeFleet([record.result(10)]);
    expect(failedConditions(baseline, summary, clean, ENOUGH_SERIES_LEFT)).toEqual([
      '1 events lost (by 1 clients)',
      '1 events duplicated',
      '1 events out of order',
    ]);
  });

  it("fails on a proxy's 5xx, and on a client that gave up", () => {
    const summary = summaryOf([0, 1, 2, 3], (record) => record.error(502, true, 0));
    expect(failedConditions(baseline, summary, clean, ENOUGH_SERIES_LEFT)).toEqual([
      '1 5xx answers from the proxy (to 1 clients)',
      '1 clients stopped reconnecting',
    ]);
  });

  it('asserts the longest gap only where the scenario sets a limit', () => {
    const summary = summaryOf([0, 100, 600, 700]);
    expect(failedConditions(baseline, summary, clean, ENOUGH_SERIES_LEFT)).toEqual([]);
    expect(failedConditions(tuned, summary, clean, ENOUGH_SERIES_LEFT)).toEqual([
      'a client went 500 ms without events (limit 500 ms)',
    ]);
  });

  it('fails a run whose series ended before the clients of the last instance stopped could come back', () => {
    expect(failedConditions(baseline, summaryOf([0, 1, 2, 3]), clean, 1_000)).toEqual([
      'the series ended 2000 ms too soon after the last stop (raise --events or lower --rate or --pause)',
    ]);
  });

  it('fails a run where an instance did not exit within the grace period', () => {
    const restarts = [clean[0], { ...clean[1], stopMs: 15_000, killed: true }];
    expect(
      failedConditions(baseline, summaryOf([0, 1, 2, 3]), restarts, ENOUGH_SERIES_LEFT),
    ).toEqual(['instance B did not exit after SIGTERM within the grace period, and was killed']);
  });

  it('a scenario that could not run: a row of dashes that does not pass, and why', () => {
    const error = scenarioError(
      tuned,
      new Error('instance A (waiting for its first line): exited (1) first'),
    );
    const [header, , row] = formatTable([error]).split('\n');
    expect(header.split(/\s+/)).toEqual([
      'scenario',
      'lost',
      'dup',
      'order',
      'gap',
      'p50',
      'gap',
      'p99',
      'gap',
      'max',
      '5xx',
      'gave',
      'up',
      'reconnects',
      'passed',
      'on',
      'stop',
      'ms',
      'pass',
    ]);
    expect(row.split(/\s+/)).toEqual(['sigterm-drain-jitter', ...Array(11).fill('-'), 'NO']);
    expect(formatDetails(error)).toBe(
      [
        'sigterm-drain-jitter: {}',
        '  FAILED: could not run: instance A (waiting for its first line): exited (1) first',
      ].join('\n'),
    );
  });

  it('only the asserted scenario fails the run on a missed condition; any scenario that could not run does', () => {
    const cutOff = summaryOf([0, 1, 2, 3], (record) => record.error(502, true, 0));
    const outcome = (scenario: Scenario) =>
      ({
        scenario,
        failures: failedConditions(scenario, cutOff, clean, ENOUGH_SERIES_LEFT),
      }) as ScenarioOutcome;
    expect(failed(outcome(baseline))).toBe(false);
    expect(failed(outcome(tuned))).toBe(true);
    expect(failed(scenarioError(baseline, new Error('redis went away')))).toBe(true);
  });
});
