import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

// XADD and SPUBLISH of the entry in one script: atomic, so the live path carries a
// channel's events in the order of their ids, and nothing is appended without being
// published. The shard channel is named as the key, so both hash to the same slot.
const SCRIPT = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 2))
redis.call('SPUBLISH', KEYS[1], cjson.encode({id, unpack(ARGV, 2)}))
return id`;
const SHA = createHash('sha1').update(SCRIPT).digest('hex');

/**
 * Appends an entry to a stream (approximately `historySize` kept) and publishes it. The
 * first append sends the script whole (EVAL, ~5x the Redis time of EVALSHA); appends
 * made while it runs wait for it, then send its SHA1 (EVALSHA), as all later ones do;
 * a server that does not know it (restarted, another Cluster node) gets it whole again.
 */
export class AppendScript {
  private loading: Promise<unknown> | undefined;

  constructor(private readonly commands: Redis | Cluster) {}

  async run(key: string, historySize: number, fields: string[]): Promise<string> {
    const args = [1, key, historySize, ...fields] as const;
    if (!this.loading) {
      const first = this.commands.eval(SCRIPT, ...args);
      this.loading = first.catch(() => (this.loading = undefined));
      return (await first) as string;
    }
    await this.loading;
    try {
      return (await this.commands.evalsha(SHA, ...args)) as string;
    } catch (error) {
      if (!(error as Error).message?.startsWith('NOSCRIPT')) throw error;
      return (await this.commands.eval(SCRIPT, ...args)) as string;
    }
  }
}
