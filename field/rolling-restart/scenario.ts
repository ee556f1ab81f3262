// One run of the rolling restart: two fresh instances started with the scenario's
// stream flags, a publisher, the client fleets through the proxy; once every client's
// subscription is live the series starts, and each instance in turn is stopped with
// the scenario's signal, started again and waited for until healthy.
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientFigures } from './client-record.js';
import { InstanceProcess } from './instance-process.js';
import { listenOverflows } from './listen-overflows.js';
import { OpenFilesSampler } from './open-files.js';
import { nextMessage, startScript, stopProcess } from './processes.js';
import type { FleetMessage, PublisherMessage } from './protocol.js';
import { streamFlagArgs, type StreamFlags } from './stream-flags.js';

export interface Scenario {
  name: string;
  signal: 'SIGTERM' | 'SIGKILL';
  flags: StreamFlags;
  /**
   * Whether the pass conditions decide the exit code. The baseline runs are references:
   * without the options (a fixed retry, no drain) they cannot meet them.
   */
  asserted: boolean;
  /** No client's longest gap may reach it. */
  maxGapMs?: number;
}

export interface Setting {
  redisUrl: string;
  proxyUrl: string;
  /** The instances' ports, the proxy's upstreams. */
  ports: number[];
  /** Workers of the proxy, for the open-file count. */
  proxyPids: () => number[];
  adapter: string;
  clients: number;
  fleets: number;
  events: number;
  rate: number;
  /** Ms before each instance is stopped. */
  pauseMs: number;
  /** Ms an instance gets to exit after SIGTERM before it is killed. */
  graceMs: number;
  /** Ms the clients get, after the last event is published, to receive it. */
  settleMs: number;
}

export interface Restart {
  instance: string;
  /** From the signal to the exit. */
  stopMs: number;
  /** It did not exit within the grace period, and was killed. */
  killed: boolean;
  /** From the start to a healthy instance. */
  healthyMs: number;
}

export interface ScenarioRun {
  channel: string;
  clients: ClientFigures[];
  restarts: Restart[];
  /**
   * How long the series still ran once the last instance had stopped: its clients
   * must have come back while events were still published.
   */
  seriesLeftAfterLastStopMs: number;
  publisherBehindScheduleMs: number;
  fleetEventLoopDelayMs: { p99: number; max: number };
  /** Peak open files of one process, per role. */
  peakOpenFiles: Record<string, number>;
  /** Streams each instance served when the last event was published. */
  streamsAtEnd: Record<string, number>;
  /** Connections the kernel dropped, during the series, because an accept queue was full. */
  listenOverflows: number;
}

const STARTUP_TIMEOUT_MS = 60_000;

export async function runScenario(scenario: Scenario, setting: Setting): Promise<ScenarioRun> {
  const channel = `rolling-restart.${scenario.name}.${Date.now()}`;
  const instanceArgs = [
    '--redis',
    setting.redisUrl,
    '--adapter',
    setting.adapter,
    ...streamFlagArgs(scenario.flags),
  ];
  const instances = setting.ports.map(
    (port, i) => new InstanceProcess(String.fromCharCode(65 + i), port, instanceArgs),
  );
  const children: ChildProcess[] = [];
  let sampler: OpenFilesSampler | undefined;
  try {
    await Promise.all(instances.map((instance) => instance.start()));
    const publisher = startScript('field/rolling-restart/publisher.ts', [
      '--redis',
      setting.redisUrl,
      '--channel',
      channel,
      '--events',
      String(setting.events),
      '--rate',
      String(setting.rate),
    ]);
    children.push(publisher);
    await nextMessage<PublisherMessage, 'warming-up'>(
      publisher,
      'warming-up',
      'publisher',
      STARTUP_TIMEOUT_MS,
    );

    const fleets = fleetSizes(setting.clients, setting.fleets).map((clients) =>
      startScript('field/rolling-restart/client-fleet.ts', [
        '--url',
        `${setting.proxyUrl}/channels/${channel}`,
        '--clients',
        String(clients),
        '--events',
        String(setting.events),
      ]),
    );
    children.push(...fleets);
    sampler = new OpenFilesSampler(() => ({
      'client fleet': fleets.map((fleet) => fleet.pid),
      'nginx worker': setting.proxyPids(),
      instance: instances.map((instance) => instance.pid),
    }));
    await Promise.all(
      fleets.map((fleet) =>
        nextMessage<FleetMessage, 'ready'>(fleet, 'ready', 'client fleet', STARTUP_TIMEOUT_MS),
      ),
    );

    console.log(`  ${setting.clients} clients subscribed; publishing ${setting.events} events`);
    const overflowsBefore = listenOverflows();
    publisher.send({ type: 'start' });
    const seriesMs = (setting.events / setting.rate) * 1000;
    const seriesEnd = performance.now() + seriesMs;
    const published = nextMessage<PublisherMessage, 'published'>(
      publisher,
      'published',
      'publisher',
      seriesMs + STARTUP_TIMEOUT_MS,
    );
    const restarts: Restart[] = [];
    let seriesLeftAfterLastStopMs = 0;
    for (const instance of instances) {
      await sleep(setting.pauseMs);
      const stop = await instance.stop(scenario.signal, setting.graceMs);
      seriesLeftAfterLastStopMs = seriesEnd - performance.now();
      console.log(
        `  ${instance.name}: ${scenario.signal}, ${stop.killed ? 'killed' : 'exited'} after ${Math.round(stop.ms)} ms`,
      );
      const healthyMs = await instance.start();
      console.log(`  ${instance.name}: started, healthy after ${Math.round(healthyMs)} ms`);
      restarts.push({ instance: instance.name, stopMs: stop.ms, killed: stop.killed, healthyMs });
    }
    const { behindScheduleMs } = await published;

    const streamsAtEnd = Object.fromEntries(
      await Promise.all(
        instances.map(async (instance) => [instance.name, await instance.streams()] as const),
      ),
    );
    console.log(`  published; waiting for the clients to get the last event`);
    for (const fleet of fleets) fleet.send({ type: 'finish', settleMs: setting.settleMs });
    const reports = await Promise.all(
      fleets.map((fleet) =>
        nextMessage<FleetMessage, 'figures'>(
          fleet,
          'figures',
          'client fleet',
          setting.settleMs + STARTUP_TIMEOUT_MS,
        ),
      ),
    );
    return {
      channel,
      streamsAtEnd,
      listenOverflows: listenOverflows() - overflowsBefore,
      clients: reports.flatMap((report) => report.clients),
      restarts,
      seriesLeftAfterLastStopMs,
      publisherBehindScheduleMs: behindScheduleMs,
      fleetEventLoopDelayMs: {
        p99: Math.max(...reports.map((report) => report.eventLoopDelayMs.p99)),
        max: Math.max(...reports.map((report) => report.eventLoopDelayMs.max)),
      },
      peakOpenFiles: sampler.stop(),
    };
  } finally {
    sampler?.stop();
    await Promise.all([
      ...children.map((child) => stopProcess(child)),
      ...instances.map((instance) => instance.stop('SIGTERM', setting.graceMs)),
    ]);
  }
}

/** `clients` split over `fleets` processes as evenly as can be. */
export function fleetSizes(clients: number, fleets: number): number[] {
  return Array.from(
    { length: Math.min(fleets, clients) },
    (_, i) => Math.floor(clients / fleets) + (i < clients % fleets ? 1 : 0),
  );
}
