// npm run bench:channels [-- --users 1000,5000,18000 --stores memory,redis,cluster --rounds 5
//                          --baseline ../other-checkout]
// Per-user channels: N clients, each on a channel of its own (one subscriber per channel),
// on the memory store, one Redis and a three-master Redis Cluster (started here, on
// loopback). Per N and store: the time to open every stream (until the store has tailed
// every channel), the Redis time and calls per open (INFO commandstats over the opening),
// the heap per subscriber, publish-to-arrival latency over `rounds` rounds that each
// publish one event to every channel (after a first, untimed round), and the Redis time
// per event over those rounds. With --baseline, each run is repeated with the
// servers of that checkout (e.g. the commit before a change), interleaved, so that both
// see the same machine load.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { RedisCluster, commandStats } from '../test/support/redis-cluster.js';
import { RedisServer } from '../test/support/redis-server.js';
import { fanOut, getText } from './client.js';
import { percentile, root, startServer, stopServer } from './server-process.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '1000,5000,18000' },
    stores: { type: 'string', default: 'memory,redis,cluster' },
    rounds: { type: 'string', default: '5' },
    interval: { type: 'string', default: '1000' },
    adapter: { type: 'string', default: 'fastify' },
    label: { type: 'string', default: '' },
    baseline: { type: 'string' },
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

async function measure(
  store: string,
  users: number,
  tree: { name: string; cwd: string },
): Promise<Record<string, string>> {
  const redises = await startRedis(store);
  const server = await startServer(`per-user ${store}`, 'bench/servers/per-user.ts', {
    env: { STORE: store, ADAPTER: args.adapter, ...redises?.env },
    cwd: tree.cwd,
  });
  try {
    const heapBefore = await heapUsed(server.base);
    const workBefore = await redisWork(redises);
    const started = performance.now();
    let openMs = NaN;
    let heapPerSubscriber = NaN;
    let work = { usec: NaN, calls: NaN };
    let workOpened = { usec: NaN, calls: NaN };
    const { latencies, complete } = await fanOut(
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
          openMs = performance.now() - started;
          const workAfter = await redisWork(redises);
          work = {
            usec: workAfter.usec - workBefore.usec,
            calls: workAfter.calls - workBefore.calls,
          };
          heapPerSubscriber = ((await heapUsed(server.base)) - heapBefore) / users / 1024;
          workOpened = await redisWork(redises);
        },
      },
    );
    const workDelivered = await redisWork(redises);
    latencies.sort((a, b) => a - b);
    const events = users * (Number(args.rounds) + 1);
    const redis = (value: number) => (redises ? value.toFixed(1) : 'n/a');
    return {
      ...(args.baseline ? { code: tree.name } : {}),
      store,
      users: users.toLocaleString('en'),
      'open all s': (openMs / 1000).toFixed(2),
      'Redis µs per open': redis(work.usec / users),
      'Redis calls per open': redis(work.calls / users),
      // Everything Redis did from the first publish until the last arrival.
      'Redis µs per event': redis((workDelivered.usec - workOpened.usec) / events),
      'p50 ms': percentile(latencies, 50)?.toFixed(1) ?? 'n/a',
      'p99 ms': percentile(latencies, 99)?.toFixed(1) ?? 'n/a',
      delivered: `${latencies.length.toLocaleString('en')} of ${(users * Number(args.rounds)).toLocaleString('en')}`,
      complete: complete ? 'yes' : 'no',
      'heap per subscriber KB': heapPerSubscriber.toFixed(1),
    };
  } finally {
    await stopServer(server);
    await redises?.stop();
  }
}

const trees = [
  { name: 'this', cwd: root },
  ...(args.baseline ? [{ name: 'baseline', cwd: resolve(args.baseline) }] : []),
];
const rows: Array<Record<string, string>> = [];
for (const users of args.users.split(',').map(Number)) {
  for (const store of args.stores.split(',')) {
    for (const tree of trees) {
      process.stderr.write(`${tree.name}: ${store}, ${users} users\n`);
      rows.push(await measure(store, users, tree));
      process.stderr.write(`${JSON.stringify(rows.at(-1))}\n`);
    }
  }
}

const columns = Object.keys(rows[0]);
const table = [
  `| ${columns.join(' | ')} |`,
  `|${columns.map(() => '---').join('|')}|`,
  ...rows.map((row) => `| ${columns.map((column) => row[column]).join(' | ')} |`),
].join('\n');
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
const stamp = new Date().toISOString();
const baseline = args.baseline ? ` · baseline ${args.baseline}` : '';
const title = `${stamp} · ${machine} · ${args.adapter} · ${args.rounds} rounds ${args.interval} ms apart${baseline}${args.label && ` · ${args.label}`}`;
console.log(`\n${title}\n\n${table}\n`);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
const file = join(root, 'bench', 'results', `channels-${stamp.replace(/[:.]/g, '-')}`);
writeFileSync(`${file}.json`, JSON.stringify({ stamp, machine, args, rows }, null, 2));
writeFileSync(`${file}.md`, `${title}\n\n${table}\n`);
