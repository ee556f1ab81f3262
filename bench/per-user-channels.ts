// npm run bench:channels [-- --users 1000,5000,18000 --stores memory,redis,cluster --rounds 5
//                          --repeats 3 --chunk 100 --baseline ../other-checkout --profile]
// Per-user channels: N clients, each on a channel of its own (one subscriber per channel),
// on the memory store, one Redis and a three-master Redis Cluster (started here, on
// loopback); `memory-after-tick` (not run by default) is the memory store with a tick's
// appends run after it, as a Redis store's come back: the delivery of a store behind a
// server that cost nothing. Per N and store: the time to open every stream (until the
// store has tailed every channel), the Redis time and calls per open (INFO commandstats
// over the opening), the heap per subscriber, publish-to-arrival latency over `rounds`
// rounds that each publish one event to every channel (after a first, untimed round), the
// Redis CPU and the app's (the NestJS server's) CPU per event over those rounds. A round
// is one synchronous loop of publishes; with --chunk K, the loop yields (setImmediate)
// after every K. Each figure is the median of `repeats` runs. With --baseline, each run is
// repeated with the servers of that checkout (e.g. the commit before a change),
// interleaved, so that both see the same machine load.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { parseArgs } from 'node:util';
import { RedisCluster, commandStats } from '../test/support/redis-cluster.js';
import { RedisServer } from '../test/support/redis-server.js';
import { fanOut, getText } from './client.js';
import { median, percentile, root, startServer } from './server-process.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '1000,5000,18000' },
    stores: { type: 'string', default: 'memory,redis,cluster' },
    rounds: { type: 'string', default: '5' },
    interval: { type: 'string', default: '1000' },
    chunk: { type: 'string', default: '0' },
    adapter: { type: 'string', default: 'fastify' },
    label: { type: 'string', default: '' },
    repeats: { type: 'string', default: '3' },
    baseline: { type: 'string' },
    // Writes the server's CPU profiles (node --cpu-prof) to
    // bench/results/profiles/channels-<tree>-<store>-<users>-<repeat>/.
    profile: { type: 'boolean', default: false },
  },
});

/** Commands of the servers' own upkeep and of this harness, not of the store. */
const UPKEEP = /^(info|ping|replconf|psync|select|hello|command|cluster\|.*|client\|setname)$/;

interface Redises {
  urls: string[];
  env: Record<string, string>;
  stop(): Promise<void>;
}

async function startRedis(store: string): Promise<Redises | undefined> {
  if (store === 'redis') {
    const server = await RedisServer.start();
    return { urls: [server.url], env: { REDIS_URL: server.url }, stop: () => server.stop() };
  }
  if (store === 'cluster') {
    const cluster = await RedisCluster.start();
    return {
      urls: cluster.servers.map((server) => server.url),
      env: { CLUSTER_NODES: JSON.stringify(cluster.startupNodes) },
      stop: () => cluster.stop(),
    };
  }
  return undefined;
}

/** Redis time (µs) and calls of the store's commands, summed over every server. */
async function redisWork(redises: Redises | undefined): Promise<{ usec: number; calls: number }> {
  const total = { usec: 0, calls: 0 };
  for (const url of redises?.urls ?? []) {
    for (const [name, { usec, calls }] of Object.entries(await commandStats(url))) {
      if (UPKEEP.test(name)) continue;
      total.usec += usec;
      total.calls += calls;
    }
  }
  return total;
}

const heapUsed = async (base: string) =>
  (JSON.parse(await getText(`${base}/memory`)) as { heapUsed: number }).heapUsed;

/** CPU seconds (user + sys) the Redis servers have used so far, in µs. */
async function redisCpu(redises: Redises | undefined): Promise<number> {
  let total = 0;
  for (const url of redises?.urls ?? []) {
    const redis = new Redis(url);
    const info = await redis.info('cpu').finally(() => redis.disconnect());
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)![1]);
    total += (field('used_cpu_user') + field('used_cpu_sys')) * 1e6;
  }
  return total;
}

type Figures = Record<string, number>;

async function measure(
  store: string,
  users: number,
  tree: { name: string; cwd: string },
  repeat: number,
): Promise<Figures> {
  const redises = await startRedis(store);
  const profiles = join(root, 'bench/results/profiles');
  const server = await startServer(`per-user ${store}`, 'bench/servers/per-user.ts', {
    env: { STORE: store, ADAPTER: args.adapter, PUBLISH_CHUNK: args.chunk, ...redises?.env },
    cwd: tree.cwd,
    // A folder per run: the module loader's thread writes a profile of its own.
    nodeArgs: args.profile
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${join(profiles, `channels-${tree.name}-${store}-${users}-${repeat + 1}`)}`,
        ]
      : [],
  });
  const figures: Figures = {};
  try {
    const heapBefore = await heapUsed(server.base);
    const workBefore = await redisWork(redises);
    const started = performance.now();
    let cpuOpened = NaN;
    const { latencies, complete, serverCpuMsPerEvent } = await fanOut(
      server.base,
      users,
      Number(args.rounds),
      Number(args.interval),
      {
        path: (user) => `/subscribe/${user}`,
        warmUp: 1,
        beforePublish: async () => {
          // Open means tailed by the store: the hub's subscriptions wait for their tail.
          const deadline = started + 120_000;
          while (Number(await getText(`${server.base}/opened`)) < users) {
            if (performance.now() > deadline) return;
            await setTimeout(20);
          }
          figures['open all s'] = (performance.now() - started) / 1000;
          const work = await redisWork(redises);
          figures['Redis µs per open'] = (work.usec - workBefore.usec) / users;
          figures['Redis calls per open'] = (work.calls - workBefore.calls) / users;
          figures['heap per subscriber KB'] =
            ((await heapUsed(server.base)) - heapBefore) / users / 1024;
          cpuOpened = await redisCpu(redises);
        },
      },
    );
    // Redis CPU, not commandstats: the time of a script also counts as its commands'.
    const events = users * (Number(args.rounds) + 1);
    figures['Redis CPU µs per event'] = ((await redisCpu(redises)) - cpuOpened) / events;
    // The fan-out's figure is per round: one event to each of `users` channels.
    figures['app CPU µs per event'] = (serverCpuMsPerEvent * 1000) / users;
    latencies.sort((a, b) => a - b);
    figures['p50 ms'] = percentile(latencies, 50) ?? NaN;
    figures['p99 ms'] = percentile(latencies, 99) ?? NaN;
    figures['delivered %'] = (100 * latencies.length) / (users * Number(args.rounds));
    figures.complete = complete ? 1 : 0;
    if (!redises) {
      for (const redisOnly of [
        'Redis µs per open',
        'Redis calls per open',
        'Redis CPU µs per event',
      ])
        figures[redisOnly] = NaN;
    }
    return figures;
  } finally {
    await server.stop();
    await redises?.stop();
  }
}

const trees = [
  { name: 'this', cwd: root },
  ...(args.baseline ? [{ name: 'baseline', cwd: resolve(args.baseline) }] : []),
];
const runs = new Map<string, Figures[]>();
const rowName = (tree: string, store: string, users: number) =>
  `${args.baseline ? `${tree} | ` : ''}${store} | ${users.toLocaleString('en')}`;
// Interleaved, so that every configuration sees the machine's load alike.
for (let repeat = 0; repeat < Number(args.repeats); repeat++) {
  for (const users of args.users.split(',').map(Number)) {
    for (const store of args.stores.split(',')) {
      for (const tree of trees) {
        const name = rowName(tree.name, store, users);
        process.stderr.write(`repeat ${repeat + 1}: ${name}\n`);
        const figures = await measure(store, users, tree, repeat);
        process.stderr.write(`${JSON.stringify(figures)}\n`);
        runs.set(name, [...(runs.get(name) ?? []), figures]);
      }
    }
  }
}

const keys = [...new Set([...runs.values()].flat().flatMap((figures) => Object.keys(figures)))];
const format = (value: number, key: string) =>
  Number.isNaN(value)
    ? 'n/a'
    : key === 'complete'
      ? value
        ? 'yes'
        : 'no'
      : value >= 1000
        ? Math.round(value).toLocaleString('en')
        : value.toFixed(key === 'open all s' ? 2 : 1);
const header = `| ${args.baseline ? 'code | ' : ''}store | users | ${keys.join(' | ')} |`;
const table = [
  header,
  `|${header
    .split('|')
    .slice(2)
    .map(() => '---')
    .join('|')}|`,
  ...[...runs].map(
    ([name, figures]) =>
      `| ${name} | ${keys.map((key) => format(median(figures.map((run) => run[key] ?? NaN)), key)).join(' | ')} |`,
  ),
].join('\n');
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
const stamp = new Date().toISOString();
const baseline = args.baseline ? ` · baseline ${args.baseline}` : '';
const title = `${stamp} · ${machine} · ${args.adapter} · medians of ${args.repeats} · ${args.rounds} rounds ${args.interval} ms apart${args.chunk !== '0' ? ` · yielding every ${args.chunk} publishes` : ''}${baseline}${args.label && ` · ${args.label}`}`;
console.log(`\n${title}\n\n${table}\n`);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
const file = join(root, 'bench', 'results', `channels-${stamp.replace(/[:.]/g, '-')}`);
writeFileSync(`${file}.json`, JSON.stringify({ stamp, machine, args, runs: [...runs] }, null, 2));
writeFileSync(`${file}.md`, `${title}\n\n${table}\n`);
