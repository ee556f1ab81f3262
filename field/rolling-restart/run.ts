// npm run field:rolling-restart [-- options]
//
// The rolling restart behind a real nginx: two instances of a NestJS app on one
// RedisEventStore (a redis-server of its own), 1,000 `eventsource` clients through the
// proxy on one hub channel, 1,500 events published at a steady rate by a process of its
// own; each instance in turn is stopped, started again and waited for until healthy.
// Per client: events lost, duplicated, out of order, the longest gap without events,
// the proxy's 5xx, reconnects. Prints a table, writes JSON to field/results/, and exits
// non-zero when a pass condition of the drain + jitter run fails (or a run could not be
// made): every client gets every event once and in order, none sees a 5xx or gives up,
// every instance exits within its grace period, and no client goes --max-gap ms
// without events. The other runs report the same conditions without asserting them.
//
// Scenarios (--scenarios, comma-separated; all by default):
//   sigterm, sigkill                 the baseline: fixed retry (--baseline-retry), no drain
//   sigterm-drain-jitter, sigkill-drain-jitter
//                                    --drain and --retry (a min-max range) on the instances;
//                                    the SIGTERM run is the one asserted
// --max-lifetime, --stall-timeout, --keep-alive are passed to the instances of every run.
// --grace: ms an instance gets to exit after SIGTERM before it is killed (Kubernetes
// gives 30 s); one that needed killing fails the run.
// --upstream: the parameters of nginx's server lines (default max_fails=0; nginx's own
// default, max_fails=1 fail_timeout=10s, answers 502 during a rolling restart, see nginx.ts).
// Stream flags reach EventStreamModule.forRoot as they are: a release that does not
// know an option rejects it when the instance starts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../../test/support/free-port.js';
import { RedisServer } from '../../test/support/redis-server.js';
import { summarizeFleet } from './fleet-summary.js';
import { DEFAULT_SERVER_PARAMETERS, Nginx, nginxVersion, type NginxLogs } from './nginx.js';
import { openFileLimit } from './open-files.js';
import { ROOT } from './processes.js';
import { proxyFigures } from './proxy-figures.js';
import {
  clientFailed,
  failed,
  failedConditions,
  formatDetails,
  formatTable,
  scenarioError,
  type ScenarioOutcome,
} from './report.js';
import { runScenario, type Scenario, type ScenarioRun, type Setting } from './scenario.js';
import { STREAM_FLAG_OPTIONS, type StreamFlags } from './stream-flags.js';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    events: { type: 'string', default: '1500' },
    rate: { type: 'string', default: '20' },
    fleets: { type: 'string', default: '2' },
    adapter: { type: 'string', default: 'express' },
    scenarios: {
      type: 'string',
      default: 'sigterm,sigkill,sigterm-drain-jitter,sigkill-drain-jitter',
    },
    'baseline-retry': { type: 'string', default: '1000' },
    'max-gap': { type: 'string', default: '500' },
    pause: { type: 'string', default: '2000' },
    grace: { type: 'string', default: '20000' },
    settle: { type: 'string', default: '10000' },
    results: { type: 'string', default: 'field/results' },
    upstream: { type: 'string', default: DEFAULT_SERVER_PARAMETERS },
    ...STREAM_FLAG_OPTIONS,
  },
});

function positive(flag: string, value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new RangeError(`rolling-restart: "--${flag}" must be a positive number, got "${value}"`);
  return number;
}

const everyRun: StreamFlags = {
  'max-lifetime': args['max-lifetime'],
  'stall-timeout': args['stall-timeout'],
  'keep-alive': args['keep-alive'],
};
const baseline: StreamFlags = { ...everyRun, retry: args['baseline-retry'] };
const tuned: StreamFlags = {
  ...everyRun,
  drain: args.drain ?? '10000',
  retry: args.retry ?? '50-150',
};
// The pass conditions are those of a graceful restart with drain and jitter; a
// crash is measured with the same options, but a herd of reconnects within the retry
// range is still a herd.
const SCENARIOS: Scenario[] = [
  { name: 'sigterm', signal: 'SIGTERM', flags: baseline, asserted: false },
  { name: 'sigkill', signal: 'SIGKILL', flags: baseline, asserted: false },
  {
    name: 'sigterm-drain-jitter',
    signal: 'SIGTERM',
    flags: tuned,
    asserted: true,
    maxGapMs: positive('max-gap', args['max-gap']),
  },
  { name: 'sigkill-drain-jitter', signal: 'SIGKILL', flags: tuned, asserted: false },
];
const scenarios = args.scenarios.split(',').map((name) => {
  const scenario = SCENARIOS.find((known) => known.name === name);
  if (!scenario)
    throw new RangeError(
      `rolling-restart: "--scenarios" takes ${SCENARIOS.map((known) => known.name).join(', ')}, got "${name}"`,
    );
  return scenario;
});

const parameters = {
  adapter: args.adapter,
  upstream: args.upstream,
  clients: positive('clients', args.clients),
  fleets: positive('fleets', args.fleets),
  events: positive('events', args.events),
  rate: positive('rate', args.rate),
  pauseMs: positive('pause', args.pause),
  graceMs: positive('grace', args.grace),
  settleMs: positive('settle', args.settle),
};
const { clients } = parameters;
// nginx's worker holds two descriptors per client; children inherit this limit.
const needed = 2 * clients + 100;
if (openFileLimit() < needed)
  throw new Error(
    `rolling-restart: ${clients} clients need ${needed} open files (nginx: two per client), ulimit -n is ${openFileLimit()}: run it as npm run field:rolling-restart, which raises it to the hard limit`,
  );

const redis = await RedisServer.start();
const ports = [await freePort(), await freePort()];
const nginx = await Nginx.start(ports, args.upstream);
const setting: Setting = {
  ...parameters,
  redisUrl: redis.url,
  proxyUrl: nginx.url,
  ports,
  proxyPids: () => nginx.workerPids(),
};

const outcomes: Array<{ scenario: Scenario; run?: ScenarioRun; error?: unknown }> = [];
let logs: NginxLogs;
try {
  for (const scenario of scenarios) {
    console.log(`${scenario.name}: ${JSON.stringify(scenario.flags)}`);
    // A scenario that cannot run (its instances refuse their options) is reported; the others still run.
    try {
      outcomes.push({ scenario, run: await runScenario(scenario, setting) });
    } catch (error) {
      console.log(`  could not run: ${(error as Error).message}`);
      outcomes.push({ scenario, error });
    }
  }
} finally {
  logs = await nginx.stop();
  await redis.stop();
}

// Of the per-client figures, those of the clients that failed; the summary has the spread.
const results: ScenarioOutcome[] = outcomes.map(({ scenario, run, error }) => {
  if (!run) return scenarioError(scenario, error);
  const { clients, ...figures } = run;
  const summary = summarizeFleet(clients);
  return {
    scenario,
    ...figures,
    summary,
    failedClients: clients.filter((client) => clientFailed(scenario, client)),
    slowestClients: [...clients].sort((a, b) => b.longestGapMs - a.longestGapMs).slice(0, 10),
    proxy: proxyFigures(logs, run.channel),
    failures: failedConditions(scenario, summary, run.restarts, run.seriesLeftAfterLastStopMs),
  };
});

console.log(`\n${formatTable(results)}\n`);
for (const result of results) console.log(formatDetails(result));

const folder = join(ROOT, args.results);
mkdirSync(folder, { recursive: true });
const file = join(folder, `rolling-restart-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify({ parameters, nginx: nginxVersion(), results }, null, 2)}\n`);
console.log(`\nwritten: ${file}`);
process.exitCode = results.some(failed) ? 1 : 0;
