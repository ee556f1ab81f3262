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

/** Appends an entry to the stream `key` (approximately `historySize` kept) and publishes it. */
export async function appendAndPublish(
  commands: Redis | Cluster,
  key: string,
  historySize: number,
  fields: string[],
): Promise<string> {
  const args = [1, key, historySize, ...fields] as const;
  try {
    return (await commands.evalsha(SHA, ...args)) as string;
  } catch (error) {
    // A server that has not seen the script yet (a new node, a restart) gets it whole.
    if (!(error as Error).message?.startsWith('NOSCRIPT')) throw error;
    return (await commands.eval(SCRIPT, ...args)) as string;
  }
}
