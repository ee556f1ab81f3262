import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { COMPLETED_FIELD } from './redis-stream-entry.js';

/** The append script's error reply on a channel that ends with its completion. */
export const COMPLETED_REPLY = 'CHANNEL_COMPLETED';

// Appends one entry, unless the stream ends with its completion, and publishes it
// (SPUBLISH, on the shard channel named as the key: the same slot), in one step: no
// event can follow a completion another instance appended concurrently, the live path
// carries a channel's entries in the order of their ids, and nothing is appended without
// being published. KEYS[1]: the stream. ARGV: MAXLEN, PEXPIRE ms ('' for none), '1' if
// the entry is the completion (which, on a completed stream, answers the completion's
// id), the entry's fields. The message is `[id, field, value, …]`.
const SCRIPT = `
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
if last and last[2][1] == '${COMPLETED_FIELD}' then
  if ARGV[3] == '1' then return last[1] end
  return redis.error_reply('${COMPLETED_REPLY}')
end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 4))
if ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
redis.call('SPUBLISH', KEYS[1], cjson.encode({id, unpack(ARGV, 4)}))
return id
`;
const SHA = createHash('sha1').update(SCRIPT).digest('hex');

/** What one append writes. */
export interface AppendArguments {
  key: string;
  historySize: number;
  /** Ms of PEXPIRE on the key, renewed by this append. */
  expireAfter: number | undefined;
  /** The entry is the channel's completion. */
  completion: boolean;
  fields: string[];
}

/**
 * Runs the append script. The first append sends it whole (EVAL, ~5x the Redis time of
 * EVALSHA); appends made while it runs wait for it, then send its SHA1 (EVALSHA), as all
 * later ones do; a server that does not know it (restarted, another Cluster node) gets
 * it whole again.
 */
export class AppendScript {
  private loading: Promise<unknown> | undefined;

  constructor(private readonly commands: Redis | Cluster) {}

  async run({
    key,
    historySize,
    expireAfter,
    completion,
    fields,
  }: AppendArguments): Promise<string> {
    const args = [key, historySize, expireAfter ?? '', completion ? '1' : '0', ...fields];
    if (!this.loading) {
      const first = this.commands.eval(SCRIPT, 1, ...args);
      this.loading = first.catch(() => (this.loading = undefined));
      return String(await first);
    }
    await this.loading;
    try {
      return String(await this.commands.evalsha(SHA, 1, ...args));
    } catch (error) {
      if (!(error as Error).message?.startsWith('NOSCRIPT')) throw error;
      return String(await this.commands.eval(SCRIPT, 1, ...args));
    }
  }
}
