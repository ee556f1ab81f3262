// A scenario's result: the figures, the pass conditions it missed, the table.
import type { ClientFigures } from './client-record.js';
import type { FleetSummary } from './fleet-summary.js';
import type { ProxyFigures } from './proxy-figures.js';
import type { Restart, Scenario, ScenarioRun } from './scenario.js';

/** A run, with its per-client figures summed up and judged. */
export interface ScenarioResult extends Omit<ScenarioRun, 'clients'> {
  scenario: Scenario;
  summary: FleetSummary;
  /** The figures of each client that failed a pass condition. */
  failedClients: ClientFigures[];
  /** The ten clients with the longest gaps, longest first: when (the event that ended it) and where it went. */
  slowestClients: ClientFigures[];
  proxy: ProxyFigures;
  failures: string[];
}

/** A run that could not be made (an instance that would not start, say). */
export interface ScenarioError {
  scenario: Scenario;
  error: string;
  failures: string[];
}

export type ScenarioOutcome = ScenarioResult | ScenarioError;

export function scenarioError(scenario: Scenario, error: unknown): ScenarioError {
  const message = error instanceof Error ? error.message : String(error);
  return { scenario, error: message, failures: [`could not run: ${message}`] };
}

const ran = (outcome: ScenarioOutcome): outcome is ScenarioResult => !('error' in outcome);

/** Whether the outcome fails the run: an asserted scenario that missed a condition, or one that could not run. */
export function failed(outcome: ScenarioOutcome): boolean {
  return outcome.failures.length > 0 && (outcome.scenario.asserted || !ran(outcome));
}

const MIN_SERIES_AFTER_LAST_STOP_MS = 3_000;

/** Whether a client's figures break a pass condition. */
export function clientFailed(scenario: Scenario, client: ClientFigures): boolean {
  return (
    (scenario.maxGapMs !== undefined && client.longestGapMs >= scenario.maxGapMs) ||
    client.lost > 0 ||
    client.duplicated > 0 ||
    client.outOfOrder > 0 ||
    client.serverErrors > 0 ||
    client.closedForGood
  );
}

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
export function formatTable(outcomes: ScenarioOutcome[]): string {
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
  const rows = outcomes.map((outcome) => {
    const pass = failed(outcome) ? 'NO' : outcome.scenario.asserted ? 'yes' : 'ref';
    if (!ran(outcome)) return [outcome.scenario.name, ...header.slice(1, -1).map(() => '-'), pass];
    const { scenario, summary, proxy, restarts } = outcome;
    return [
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
      pass,
    ];
  });
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

/** Where the gaps that reconnects ended went: the longest of all, and the spread of each part. */
function formatGapParts({ longestGapParts: longest, gapParts }: FleetSummary): string {
  const parts = [
    ['until the stream ended', 'untilEnd'],
    ['reconnecting (retry, then the request)', 'reconnect'],
    ['until the first event', 'untilEvent'],
  ] as const;
  const ofLongest = longest
    ? parts.map(([name, part]) => `${ms(longest[part])} ${name}`).join(' + ')
    : 'no reconnect in it';
  const spreads = parts
    .map(([, part]) => `${part} p50 ${ms(gapParts[part].p50)}, p99 ${ms(gapParts[part].p99)}`)
    .join('; ');
  return `longest gap: ${ofLongest}; over clients: ${spreads} ms`;
}

/** What the table leaves out, and the failed conditions, per scenario. */
export function formatDetails(outcome: ScenarioOutcome): string {
  const lines = [`${outcome.scenario.name}: ${JSON.stringify(outcome.scenario.flags)}`];
  if (ran(outcome)) {
    const { restarts, proxy, fleetEventLoopDelayMs: delay, summary } = outcome;
    const stayed = summary.longestGapMsOfThoseThatStayed;
    const json = JSON.stringify;
    lines.push(
      `  longest gap of the ${summary.clients - summary.closedForGood} clients that did not give up: p50 ${ms(stayed.p50)}, p99 ${ms(stayed.p99)}, max ${ms(stayed.max)} ms; reconnects per client p50 ${summary.reconnects.p50}, max ${summary.reconnects.max}`,
      `  ${formatGapParts(summary)}`,
      `  restarts: ${restarts.map((restart) => `${restart.instance} stopped in ${ms(restart.stopMs)} ms${restart.killed ? ' (killed)' : ''}, healthy in ${ms(restart.healthyMs)} ms`).join('; ')}`,
      `  proxy: statuses ${json(proxy.statuses)}, upstream errors ${json(proxy.upstreamErrors)}; listen overflows ${outcome.listenOverflows}`,
      `  streams per instance at the end ${json(outcome.streamsAtEnd)}; peak open files ${json(outcome.peakOpenFiles)}`,
      `  client event-loop delay p99 ${ms(delay.p99)} ms, max ${ms(delay.max)} ms; publisher behind schedule by ${ms(outcome.publisherBehindScheduleMs)} ms at most`,
    );
  }
  const verdict = failed(outcome) ? 'FAILED' : 'not met (a reference run, not asserted)';
  for (const failure of outcome.failures) lines.push(`  ${verdict}: ${failure}`);
  const { maxGapMs } = outcome.scenario;
  const stall = ran(outcome)
    ? Math.max(outcome.fleetEventLoopDelayMs.max, outcome.publisherBehindScheduleMs)
    : 0;
  if (maxGapMs !== undefined && stall > maxGapMs / 2)
    lines.push(
      `  warning: the clients' event loop or the publisher stalled for up to ${ms(stall)} ms (a busy machine), and the gaps measured include it`,
    );
  return lines.join('\n');
}
