// A scenario's result: the figures, what failed of the pass conditions, the table.
import type { FleetSummary } from './fleet-summary.js';
import type { ProxyFigures } from './proxy-figures.js';
import type { Restart, Scenario, ScenarioRun } from './scenario.js';

export interface ScenarioResult {
  scenario: Scenario;
  channel: string;
  summary: FleetSummary;
  proxy: ProxyFigures;
  restarts: Restart[];
  seriesLeftAfterLastStopMs: number;
  publisherBehindScheduleMs: number;
  fleetEventLoopDelayMs: ScenarioRun['fleetEventLoopDelayMs'];
  peakOpenFiles: Record<string, number>;
  failures: string[];
}

const MIN_SERIES_AFTER_LAST_STOP_MS = 3_000;

/** The pass conditions a run did not meet. */
export function failedConditions(
  scenario: Scenario,
  summary: FleetSummary,
  restarts: Restart[],
  seriesLeftAfterLastStopMs: number,
): string[] {
  const failures: string[] = [];
  for (const restart of restarts.filter(({ killed }) => killed))
    failures.push(
      `instance ${restart.instance} did not exit after ${scenario.signal} within the grace period, and was killed`,
    );
  // Clients that lose the last instance must come back while events still flow.
  if (seriesLeftAfterLastStopMs < MIN_SERIES_AFTER_LAST_STOP_MS)
    failures.push(
      `the series ended ${Math.round(MIN_SERIES_AFTER_LAST_STOP_MS - seriesLeftAfterLastStopMs)} ms too soon after the last stop (raise --events or lower --rate or --pause)`,
    );
  if (summary.lost > 0)
    failures.push(`${summary.lost} events lost (by ${summary.clientsThatLost} clients)`);
  if (summary.duplicated > 0) failures.push(`${summary.duplicated} events duplicated`);
  if (summary.outOfOrder > 0) failures.push(`${summary.outOfOrder} events out of order`);
  if (summary.serverErrors > 0)
    failures.push(
      `${summary.serverErrors} 5xx answers from the proxy (to ${summary.clientsWithServerErrors} clients)`,
    );
  if (summary.closedForGood > 0)
    failures.push(`${summary.closedForGood} clients stopped reconnecting`);
  if (scenario.maxGapMs !== undefined && summary.longestGapMs.max >= scenario.maxGapMs)
    failures.push(
      `a client went ${Math.round(summary.longestGapMs.max)} ms without events (limit ${scenario.maxGapMs} ms)`,
    );
  return failures;
}

const ms = (value: number) => (Number.isFinite(value) ? String(Math.round(value)) : '-');

/** One row per scenario, for the terminal. */
export function formatTable(results: ScenarioResult[]): string {
  const header = [
    'scenario',
    'lost',
    'dup',
    'order',
    'gap p50',
    'gap p99',
    'gap max',
    '5xx',
    'gave up',
    'reconnects',
    'passed on',
    'stop ms',
    'pass',
  ];
  const rows = results.map(({ scenario, summary, proxy, restarts, failures }) => [
    scenario.name,
    String(summary.lost),
    String(summary.duplicated),
    String(summary.outOfOrder),
    ms(summary.longestGapMs.p50),
    ms(summary.longestGapMs.p99),
    ms(summary.longestGapMs.max),
    String(summary.serverErrors),
    String(summary.closedForGood),
    String(summary.reconnects.total),
    String(proxy.passedOn),
    restarts.map((restart) => `${ms(restart.stopMs)}${restart.killed ? '!' : ''}`).join('/'),
    failures.length === 0 ? 'yes' : 'NO',
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => row[i].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join(
    '\n',
  );
}
