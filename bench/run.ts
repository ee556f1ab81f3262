// npm run bench [-- --repeats 3 --servers raw,event-stream-express --scenarios burst,fanout]
// Each server runs as its own process on loopback; this process is the client. Servers
// take turns in a rotating order, and each figure is the median of the repeats.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { IncomingMessage } from 'node:http';
import { countFrames, fanOut, getText, openIdle, serverCpuMs } from './client.js';
import { median, percentile, root, SERVERS, startServer } from './server-process.js';

const { values: args } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    servers: {
      type: 'string',
      default:
        'raw,nest-sse,better-sse,event-stream-express,event-stream-fastify,floor-express,floor-fastify',
    },
    scenarios: { type: 'string', default: 'burst,fanout,memory,stalled' },
    events: { type: 'string', default: '200000' },
    fanout: { type: 'string', default: '1000,10000' },
    // Writes each server's CPU profiles (node --cpu-prof) to bench/results/profiles/<server>-<repeat>/.
    profile: { type: 'boolean', default: false },
  },
});

const servers = args.servers.split(',');
const selectedScenarios = new Set(args.scenarios.split(','));
const EVENTS = Number(args.events);
const FANOUT = args.fanout.split(',').map(Number);

const PROFILES = join(root, 'bench/results/profiles');

const memory = async (base: string) =>
  JSON.parse(await getText(`${base}/memory`)) as { heapUsed: number; rss: number };

type Figures = Record<string, number>;

async function measure(name: string, repeat: number): Promise<Figures> {
  // A folder per run: the module loader's thread writes a profile of its own.
  const profile = args.profile
    ? ['--cpu-prof', `--cpu-prof-dir=${join(PROFILES, `${name}-${repeat + 1}`)}`]
    : [];
  const { file, env } = SERVERS[name];
  const { base, stop } = await startServer(name, file, { env, nodeArgs: profile });
  const scenarios = selectedScenarios;
  const figures: Figures = {};
  try {
    // Memory first, on a fresh server: later scenarios leave garbage that a GC during
    // the measurement would subtract. A first round of connections, closed again, pays
    // the one-time costs (code compiled on first use, lazy set-up) out of the figure.
    if (scenarios.has('memory')) {
      for (const response of await openIdle(base, 200)) response.destroy();
      await setTimeout(500); // the server sees the warm-up connections close
      const before = await memory(base);
      const idle = await openIdle(base, 1000);
      const after = await memory(base);
      figures['heap per idle connection KB'] = (after.heapUsed - before.heapUsed) / 1000 / 1024;
      figures['rss per idle connection KB'] = (after.rss - before.rss) / 1000 / 1024;
      for (const response of idle) response.destroy();
    }
    if (scenarios.has('burst')) {
      for (const kind of ['plain', 'dto']) {
        await countFrames(`${base}/burst/${kind}?n=1000`); // warm-up
        const cpuBefore = await serverCpuMs(base);
        const started = performance.now();
        const { frames, bytes } = await countFrames(`${base}/burst/${kind}?n=${EVENTS}`);
        const seconds = (performance.now() - started) / 1000;
        figures[`burst ${kind} server CPU µs per event`] =
          (((await serverCpuMs(base)) - cpuBefore) * 1000) / EVENTS;
        // A server may add a frame of its own (a retry: line, a comment) to the events.
        if (frames < EVENTS)
          throw new Error(`${name} burst ${kind}: ${frames} of ${EVENTS} events`);
        figures[`burst ${kind} events/s`] = EVENTS / seconds;
        figures[`burst ${kind} MB/s`] = bytes / seconds / 1e6;
      }
    }
    if (scenarios.has('fanout')) {
      for (const clients of FANOUT) {
        const { latencies, complete, serverCpuMsPerEvent } = await fanOut(base, clients, 50, 20);
        latencies.sort((a, b) => a - b);
        figures[`fan-out ${clients} p50 ms`] = percentile(latencies, 50);
        figures[`fan-out ${clients} p99 ms`] = percentile(latencies, 99);
        figures[`fan-out ${clients} max ms`] = latencies.at(-1) ?? NaN;
        figures[`fan-out ${clients} complete`] = complete ? 1 : 0;
        figures[`fan-out ${clients} server CPU ms per event`] = serverCpuMsPerEvent;
      }
    }
    if (scenarios.has('stalled')) {
      // The fan-out's thousands of connections are still closing for a moment: memory
      // they free during the stall would show as negative "held" memory.
      await setTimeout(2000);
      const before = await memory(base);
      let stalled!: (response: IncomingMessage) => void;
      const firstChunk = new Promise<IncomingMessage>((resolve) => (stalled = resolve));
      let paused = false;
      const run = countFrames(`${base}/burst/plain?n=1000000`, (response) => {
        if (paused) return;
        paused = true;
        response.pause();
        stalled(response);
      });
      const response = await firstChunk;
      await setTimeout(1500);
      figures['stalled reader held MB'] = ((await memory(base)).heapUsed - before.heapUsed) / 1e6;
      response.resume();
      const result = await Promise.race([run, setTimeout(60_000, null)]);
      figures['stalled reader completes'] = result && result.frames >= 1_000_000 ? 1 : 0;
    }
  } finally {
    await stop();
  }
  return figures;
}

const runs: Record<string, Figures[]> = Object.fromEntries(servers.map((name) => [name, []]));
for (let repeat = 0; repeat < Number(args.repeats); repeat++) {
  // Rotate the order, so that no server always runs first (or last).
  const order = servers.map((_, i) => servers[(i + repeat) % servers.length]);
  for (const name of order) {
    process.stderr.write(`repeat ${repeat + 1}: ${name}\n`);
    runs[name].push(await measure(name, repeat));
  }
}

const keys = [...new Set(servers.flatMap((name) => runs[name].flatMap((run) => Object.keys(run))))];
const medians: Record<string, Figures> = Object.fromEntries(
  servers.map((name) => [
    name,
    Object.fromEntries(keys.map((key) => [key, median(runs[name].map((run) => run[key] ?? NaN))])),
  ]),
);
const ratioTo = (name: string, reference: string, key: string) =>
  (medians[name][key] / medians[reference][key]).toFixed(2);
const ratio = (name: string, key: string) =>
  medians.raw && !/complete/.test(key) && !Number.isNaN(medians[name][key])
    ? ` (${ratioTo(name, 'raw', key)})`
    : '';
const format = (value: number, key: string) =>
  Number.isNaN(value)
    ? 'n/a'
    : /complete/.test(key)
      ? value
        ? 'yes'
        : 'no'
      : value >= 1000
        ? Math.round(value).toLocaleString('en')
        : value.toFixed(/MB|KB/.test(key) ? 1 : 2);
const header = `| scenario | ${servers.join(' | ')} |\n|---|${servers.map(() => '---').join('|')}|`;
const rows = keys.map(
  (key) =>
    `| ${key} | ${servers.map((name) => `${format(medians[name][key], key)}${ratio(name, key)}`).join(' | ')} |`,
);
// The same figures against the framework floor: what a NestJS SSE layer adds to the
// least its framework costs.
const floored = servers.filter((name) => {
  const floor = SERVERS[name].floor;
  return floor !== undefined && servers.includes(floor);
});
const floorTable = floored.length
  ? [
      `| scenario | ${floored.map((name) => `${name} ÷ ${SERVERS[name].floor}`).join(' | ')} |`,
      `|---|${floored.map(() => '---').join('|')}|`,
      ...keys
        .filter((key) => !/complete/.test(key))
        .map(
          (key) =>
            `| ${key} | ${floored.map((name) => ratioTo(name, SERVERS[name].floor!, key)).join(' | ')} |`,
        ),
    ].join('\n')
  : '';
const table =
  [header, ...rows].join('\n') +
  (floorTable ? `\n\nAgainst the framework floor:\n\n${floorTable}` : '');
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
const stamp = new Date().toISOString();
console.log(
  `\n${stamp} · ${machine} · medians of ${args.repeats} · ratios to raw node:http in brackets\n\n${table}\n`,
);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
const file = join(root, 'bench', 'results', stamp.replace(/[:.]/g, '-'));
writeFileSync(`${file}.json`, JSON.stringify({ stamp, machine, args, runs, medians }, null, 2));
writeFileSync(`${file}.md`, `${stamp} · ${machine} · medians of ${args.repeats}\n\n${table}\n`);
