import type { Redis } from 'ioredis';
import type { StoredEvent } from './event-store.interface.js';
import { toStoredEvent } from './redis-stream-entry.js';

/** What XINFO STREAM says of a stream that replay needs; undefined if it does not exist. */
export interface StreamInfo {
  lastGenerated: string;
  maxDeleted: string;
  firstEntry?: string;
  lastEntry?: StoredEvent;
  added: number;
  length: number;
}

export async function readStreamInfo(
  commands: Redis,
  key: string,
): Promise<StreamInfo | undefined> {
  const reply = (await commands.call('XINFO', 'STREAM', key).catch((error: Error) => {
    if (/no such key/i.test(error.message)) return undefined;
    throw error;
  })) as unknown[] | undefined;
  if (!reply) return undefined;
  const field = (name: string) => reply[reply.indexOf(name) + 1];
  const firstEntry = field('first-entry') as [string, string[]] | null;
  const lastEntry = field('last-entry') as [string, string[]] | null;
  return {
    lastGenerated: String(field('last-generated-id')),
    maxDeleted: String(field('max-deleted-entry-id')),
    firstEntry: firstEntry?.[0],
    lastEntry: lastEntry ? toStoredEvent(lastEntry) : undefined,
    added: Number(field('entries-added')),
    length: Number(field('length')),
  };
}
