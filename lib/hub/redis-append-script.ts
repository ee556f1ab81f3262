import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { ChannelCompletedError } from './channel-completed.error.js';
import { COMPLETED_FIELD } from './redis-stream-entry.js';

/** The append script's error reply on a channel that ends with its completion. */
const COMPLETED_REPLY = 'CHANNEL_COMPLETED';

// Appends entries to streams of one hash slot, each unless its stream ends with its
// completion, and publishes each (SPUBLISH, on the shard channel named as its key: the
// same slot), in one step: no event can follow a completion another instance appended
// concurrently, the live path carries a channel's entries in the order of their ids, and
// nothing is appended without being published. KEYS: the streams, one per entry (a key
// may repeat). ARGV, per entry: MAXLEN, PEXPIRE ms ('' for none), '1' if the entry is the
// completion (which, on a completed stream, answers the completion's id), the number of
// fields, the fields. The reply has one element per entry: its id, or an error (the
// completion's, or the one of a key of another type, which fails that entry alone). The
// message is `[id, field, value, …]`.
const SCRIPT = `
local replies = {}
local at = 1
for i, key in ipairs(KEYS) do
  local first, last = at + 4, at + 3 + tonumber(ARGV[at + 3])
  local newest = redis.pcall('XREVRANGE', key, '+', '-', 'COUNT', 1)
  if newest.err then
    replies[i] = newest
  elseif newest[1] and newest[1][2][1] == '${COMPLETED_FIELD}' then
    replies[i] = ARGV[at + 2] == '1' and newest[1][1] or redis.error_reply('${COMPLETED_REPLY}')
  else
    local id = redis.call('XADD', key, 'MAXLEN', '~', ARGV[at], '*', unpack(ARGV, first, last))
    if ARGV[at + 1] ~= '' then redis.call('PEXPIRE', key, ARGV[at + 1]) end
    redis.call('SPUBLISH', key, cjson.encode({id, unpack(ARGV, first, last)}))
    replies[i] = id
  end
  at = last + 1
end
return replies
`;
const SHA = createHash('sha1').update(SCRIPT).digest('hex');

/**
 * Entries in one script call at most: the call holds Redis for its length (~10 µs an
 * entry), and its arguments sit in memory until it runs.
 */
const MAX_ENTRIES = 256;
const MAX_BYTES = 1 << 20;

/** What one append writes. */
export interface AppendArguments {
  /** The channel, for the error of a completed one. */
  channel: string;
  key: string;
  historySize: number;
  /** Ms of PEXPIRE on the key, renewed by this append. */
  expireAfter: number | undefined;
  /** The entry is the channel's completion. */
  completion: boolean;
  fields: string[];
}

interface QueuedAppend {
  append: AppendArguments;
  resolve(id: string): void;
  reject(error: unknown): void;
}

/** The appends of one slot waiting for their call. */
interface OpenBatch {
  appends: QueuedAppend[];
  /** Characters of their keys and fields, near enough their bytes for a cap. */
  size: number;
}

/**
 * Runs the append script. The appends of one tick go out together, one call per hash
 * slot: a burst of publishes (a notification to every user) costs a few commands, not
 * one each, in the app as in Redis. A call that fills up (`MAX_ENTRIES`, `MAX_BYTES`)
 * goes at once, so that Redis works through a long burst while the app is still making
 * it; the rest go at the end of the tick. The first call sends the script whole (EVAL,
 * ~5x the Redis time of EVALSHA); calls made while it runs wait for it, then send its
 * SHA1 (EVALSHA), as all later ones do; a server that does not know it (restarted,
 * failed over, another Cluster node) gets it whole again, and later calls wait for that
 * load as for the first.
 */
export class AppendScript {
  /** The newest load of the script (EVAL), while it or a later call can use it. */
  private loading: Promise<unknown> | undefined;
  /** The newest load has answered: calls may go by the script's hash at once. */
  private loaded = false;
  private waitingForLoad = 0;
  private open = new Map<number, OpenBatch>();

  constructor(
    private readonly commands: Redis | Cluster,
    /** The key's hash slot on a Cluster (one for all elsewhere). */
    private readonly slotOf: (key: string) => number,
  ) {}

  /**
   * Resolves with the entry's id; rejects with `ChannelCompletedError`, or with the
   * entry's error reply.
   */
  run(append: AppendArguments): Promise<string> {
    return new Promise((resolve, reject) => {
      // A call sent full is followed by a new batch of its slot: the map empties only
      // when the tick's calls go.
      if (this.open.size === 0) queueMicrotask(() => this.sendOpen());
      const slot = this.slotOf(append.key);
      const size = sizeOf(append);
      let batch = this.open.get(slot);
      if (batch && (batch.appends.length === MAX_ENTRIES || batch.size + size > MAX_BYTES)) {
        void this.send(batch.appends);
        batch = undefined;
      }
      if (!batch) this.open.set(slot, (batch = { appends: [], size: 0 }));
      batch.appends.push({ append, resolve, reject });
      batch.size += size;
    });
  }

  private sendOpen(): void {
    const open = this.open;
    this.open = new Map();
    for (const batch of open.values()) void this.send(batch.appends);
  }

  private async send(batch: QueuedAppend[]): Promise<void> {
    // The keys, then each entry's arguments (ioredis flattens one level of arrays).
    const args = batch.map((queued) => queued.append.key);
    for (const { append } of batch) {
      const { historySize, expireAfter, completion, fields } = append;
      const expire = expireAfter === undefined ? '' : String(expireAfter);
      args.push(String(historySize), expire, completion ? '1' : '0', String(fields.length));
      for (const field of fields) args.push(field);
    }
    let replies: unknown[];
    try {
      replies = (await this.call(batch.length, args)) as unknown[];
    } catch (error) {
      for (const queued of batch) queued.reject(error);
      return;
    }
    batch.forEach((queued, i) => {
      const reply = replies[i];
      if (!(reply instanceof Error)) queued.resolve(String(reply));
      else if (reply.message.includes(COMPLETED_REPLY))
        queued.reject(new ChannelCompletedError(queued.append.channel));
      else queued.reject(reply);
    });
  }

  private async call(keys: number, args: string[]): Promise<unknown> {
    if (!this.loading) return this.load(keys, args);
    // Once loaded, EVALSHA goes at once (a call filled during a burst reaches Redis
    // while the burst goes on), but not before the calls still waiting for a load:
    // they hold earlier entries of the same channels.
    if (!this.loaded || this.waitingForLoad > 0) {
      this.waitingForLoad++;
      await this.loading;
      this.waitingForLoad--;
    }
    try {
      return await this.commands.evalsha(SHA, keys, args);
    } catch (error) {
      if (!(error as Error).message?.startsWith('NOSCRIPT')) throw error;
      return this.load(keys, args);
    }
  }

  /**
   * Sends the script whole. Calls made until it answers wait for it: one by its hash run
   * before it would find no script (the first load), or, when it reloads a script the
   * server lost, could overtake the calls still coming back refused, which hold earlier
   * entries of the same channels. (A connection answers in order: those come back
   * before this load does.)
   */
  private load(keys: number, args: string[]): Promise<unknown> {
    const evaluated = this.commands.eval(SCRIPT, keys, args);
    const loading: Promise<unknown> = evaluated.then(
      () => this.loading === loading && (this.loaded = true),
      () => this.loading === loading && (this.loading = undefined),
    );
    this.loading = loading;
    this.loaded = false;
    return evaluated;
  }
}

/** An entry's characters, near enough its bytes for a cap. */
function sizeOf({ key, fields }: AppendArguments): number {
  let size = key.length;
  for (const field of fields) size += field.length;
  return size;
}
