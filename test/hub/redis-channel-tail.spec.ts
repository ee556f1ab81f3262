import { describe, expect, it } from '@jest/globals';
import { ChannelTail } from '../../lib/hub/redis-channel-tail.js';
import type { StreamEntry } from '../../lib/hub/redis-stream-entry.js';

const entry = (id: string, n: number): StreamEntry => [id, ['data', String(n)]];

function tailWithLog() {
  const tail = new ChannelTail('news', 'sse:news', 0);
  const delivered: string[] = [];
  const errors: unknown[] = [];
  tail.listeners.add({ event: ([id]) => delivered.push(id), error: (e) => errors.push(e) });
  return { tail, delivered, errors };
}

describe('ChannelTail', () => {
  it('drops messages before a sync, holds them during it, then delivers what is newer', async () => {
    const { tail, delivered } = tailWithLog();
    tail.receive(entry('1-0', 1)); // not subscribed yet: the read will find it
    const sync = tail.startSync();
    tail.receive(entry('2-0', 2)); // appended before the position was read
    tail.receive(entry('3-0', 3)); // after it
    tail.synced(sync, [entry('2-0', 2)]); // the newest entry: the position
    await tail.opened;
    expect(delivered).toEqual(['3-0']);
    expect(tail.lastId).toBe('3-0');
  });

  it('after a resubscription, reads from the last id and delivers each id once, in order', () => {
    const { tail, delivered } = tailWithLog();
    tail.synced(tail.startSync(), []);
    expect(tail.lastId).toBe('0-0');
    tail.receive(entry('1-0', 1));
    tail.unsync(); // the connection dropped
    tail.receive(entry('2-0', 2)); // lost with it
    const sync = tail.startSync();
    tail.receive(entry('3-0', 3)); // live again while the catch-up read is out
    tail.synced(sync, [entry('2-0', 2), entry('3-0', 3)]);
    tail.receive(entry('3-0', 3));
    tail.receive(entry('4-0', 4));
    expect(delivered).toEqual(['1-0', '2-0', '3-0', '4-0']);
  });

  it('ignores the result of a sync that another has overtaken', () => {
    const { tail, delivered } = tailWithLog();
    tail.synced(tail.startSync(), [entry('5-0', 5)]);
    const stale = tail.startSync();
    const current = tail.startSync();
    tail.synced(stale, [entry('9-0', 9)]);
    expect(delivered).toEqual([]);
    tail.synced(current, [entry('6-0', 6)]);
    expect(delivered).toEqual(['6-0']);
  });

  it('fails a tail not yet open by rejecting it, an open one through its listeners', async () => {
    const pending = tailWithLog();
    pending.tail.fail(new Error('WRONGTYPE'));
    await expect(pending.tail.opened).rejects.toThrow('WRONGTYPE');
    expect(pending.errors).toEqual([]);
    const open = tailWithLog();
    open.tail.synced(open.tail.startSync(), []);
    open.tail.fail(new Error('WRONGTYPE'));
    open.tail.receive(entry('7-0', 7));
    expect(open.errors).toEqual([new Error('WRONGTYPE')]);
    expect(open.delivered).toEqual([]);
    expect(open.tail.failed).toBe(true);
  });
});
