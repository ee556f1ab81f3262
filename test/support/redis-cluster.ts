import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { RedisServer } from './redis-server.js';

const run = promisify(execFile);

/** Polls `check` until it holds (cluster state spreads by gossip: there is no event to wait on). */
export async function until(
  what: string,
  check: () => Promise<boolean>,
  timeout = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Redis Cluster: ${what} did not happen in time`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A Redis Cluster of the test's own: three masters with a replica each, Debian's
 * redis-server on free loopback ports, config files in a temporary directory.
 */
export class RedisCluster {
  private constructor(
    readonly servers: RedisServer[],
    private readonly directory: string,
  ) {}

  static async start(): Promise<RedisCluster> {
    const directory = await mkdtemp(join(tmpdir(), 'redis-cluster-'));
    const servers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        RedisServer.start({
          cwd: directory,
          clusterNode: true,
          args: [
            '--cluster-config-file',
            `nodes-${i}.conf`,
            '--cluster-node-timeout',
            '3000',
            // Replicas sync at once (the default waits 5 s for more replicas to join).
            '--repl-diskless-sync-delay',
            '0',
          ],
        }),
      ),
    );
    const cluster = new RedisCluster(servers, directory);
    const addresses = servers.map((server) => `127.0.0.1:${server.port}`);
    await run('redis-cli', [
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      '1',
      '--cluster-yes',
    ]);
    // Ready when every node sees three masters and three replicas, and every replica is
    // in sync (a manual failover waits for that).
    await until('the cluster forming', async () => {
      const states = await Promise.all(servers.map((server) => cluster.info(server, 'NODES')));
      const replication = await Promise.all(servers.map((server) => cluster.replication(server)));
      return (
        states.every((view) => (view.match(/slave/g) ?? []).length === 3) &&
        replication.every((info) => /role:master/.test(info) || /master_link_status:up/.test(info))
      );
    });
    return cluster;
  }

  /** Where an ioredis `Cluster` starts. */
  get startupNodes(): Array<{ host: string; port: number }> {
    return this.servers.map((server) => ({ host: '127.0.0.1', port: server.port }));
  }

  /** The servers that are masters now. */
  async masters(): Promise<RedisServer[]> {
    const roles = await Promise.all(this.servers.map((server) => this.role(server)));
    return this.servers.filter((_, i) => roles[i] === 'master');
  }

  /**
   * A manual failover (CLUSTER FAILOVER on a replica of `master`): the replica catches
   * up, then takes over; resolves once every node sees the replica as the master.
   */
  async failover(master: RedisServer): Promise<RedisServer> {
    const masterId = (await this.info(master, 'MYID')).trim();
    const nodes = await this.info(master, 'NODES');
    const replicaLine = nodes.split('\n').find((line) => line.split(' ')[3] === masterId);
    if (!replicaLine) throw new Error(`Redis Cluster: ${master.port} has no replica`);
    const [replicaId, address] = replicaLine.split(' ');
    const replica = this.servers.find((server) => address.startsWith(`127.0.0.1:${server.port}@`))!;
    await this.info(replica, 'FAILOVER');
    await until('the failover', async () => {
      const views = await Promise.all(this.servers.map((server) => this.info(server, 'NODES')));
      return views.every((view) =>
        view
          .split('\n')
          .some(
            (line) => line.startsWith(`${replicaId} `) && line.split(' ')[2].includes('master'),
          ),
      );
    });
    return replica;
  }

  /**
   * Moves the slot of `key` to the master `to`, with its keys, as a resharding does:
   * IMPORTING and MIGRATING (commands get ASK meanwhile), MIGRATE, then every master
   * is told the new owner (the old one gets MOVED from then on).
   */
  async moveSlot(key: string, to: RedisServer): Promise<void> {
    const slot = Number(await this.cluster(to, 'KEYSLOT', key));
    const from = await this.masterOf(key);
    const [fromId, toId] = await Promise.all([from, to].map((node) => this.info(node, 'MYID')));
    await this.cluster(to, 'SETSLOT', slot, 'IMPORTING', fromId);
    await this.cluster(from, 'SETSLOT', slot, 'MIGRATING', toId);
    const keys = (await this.cluster(from, 'GETKEYSINSLOT', slot, 1000)) as string[];
    if (keys.length > 0) {
      const redis = new Redis(from.url);
      try {
        await redis.call('MIGRATE', '127.0.0.1', to.port, '', 0, 5000, 'KEYS', ...keys);
      } finally {
        redis.disconnect();
      }
    }
    for (const master of await this.masters())
      await this.cluster(master, 'SETSLOT', slot, 'NODE', toId);
  }

  /** The master serving the slot of `key`. */
  async masterOf(key: string): Promise<RedisServer> {
    const slot = Number(await this.cluster(this.servers[0], 'KEYSLOT', key));
    const ranges = (await this.cluster(this.servers[0], 'SLOTS')) as Array<
      [number, number, [string, number]]
    >;
    const [, , [, port]] = ranges.find(([first, last]) => first <= slot && slot <= last)!;
    return this.servers.find((server) => server.port === port)!;
  }

  /** Sums each command's calls (all outcomes, as `commandStats` counts them) over every node. */
  async commandCalls(): Promise<Record<string, number>> {
    const totals: Record<string, number> = {};
    for (const server of this.servers) {
      const stats = await commandStats(server.url);
      for (const [name, { calls }] of Object.entries(stats))
        totals[name] = (totals[name] ?? 0) + calls;
    }
    return totals;
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.stop()));
    await rm(this.directory, { recursive: true, force: true });
  }

  private async role(server: RedisServer): Promise<string> {
    return /role:(\w+)/.exec(await this.replication(server))![1];
  }

  private async replication(server: RedisServer): Promise<string> {
    const redis = new Redis(server.url);
    try {
      return await redis.info('replication');
    } finally {
      redis.disconnect();
    }
  }

  private async info(server: RedisServer, subcommand: string): Promise<string> {
    return String(await this.cluster(server, subcommand));
  }

  private async cluster(server: RedisServer, ...args: Array<string | number>): Promise<unknown> {
    const redis = new Redis(server.url);
    try {
      return await redis.call('CLUSTER', ...args);
    } finally {
      redis.disconnect();
    }
  }
}

/**
 * `INFO commandstats` of one server: per command, its calls (all outcomes: `calls` counts
 * the executed ones, failed included; `rejected_calls` those refused before) and usec.
 */
export async function commandStats(
  url: string,
): Promise<Record<string, { calls: number; usec: number }>> {
  const redis = new Redis(url);
  try {
    const stats: Record<string, { calls: number; usec: number }> = {};
    for (const line of (await redis.info('commandstats')).split('\n')) {
      const match = /^cmdstat_([^:]+):(.*)$/.exec(line.trim());
      if (!match) continue;
      const field = (name: string) =>
        Number(new RegExp(`(?:^|,)${name}=(\\d+)`).exec(match[2])?.[1] ?? 0);
      stats[match[1]] = {
        calls: field('calls') + field('rejected_calls'),
        usec: field('usec'),
      };
    }
    return stats;
  } finally {
    redis.disconnect();
  }
}
