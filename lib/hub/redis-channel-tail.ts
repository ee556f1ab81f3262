import { compareEventIds } from './event-id.js';
import type { StreamEntry } from './redis-stream-entry.js';

/** One `tail()` call: where its events go, and where an error that ends the tail goes. */
export interface TailListener {
  event(entry: StreamEntry): void;
  error?(error: unknown): void;
}

/**
 * One channel this instance tails, and where its live path stands. A live message
 * counts only once the channel is in sync: after a (re)subscription, its stream is read
 * from the last id delivered (the first time: its newest id, the position). While that
 * read is under way messages are held; before it, dropped (the read finds them). Every
 * id goes to the listeners once, in order.
 */
export class ChannelTail {
  readonly listeners = new Set<TailListener>();
  /** The last id delivered, or the stream's newest when the tail began. */
  lastId: string | undefined;
  /** Settles when the tail is first in sync, or when it fails. */
  readonly opened: Promise<void>;
  private state: 'unsynced' | 'syncing' | 'live' | 'failed' = 'unsynced';
  /** Counts the syncs begun: the result of one overtaken by another is ignored. */
  private syncs = 0;
  private held: StreamEntry[] = [];
  private open!: () => void;
  private reject!: (error: unknown) => void;
  private everOpen = false;

  constructor(
    readonly channel: string,
    readonly key: string,
    /** The key's hash slot on a Cluster (0 elsewhere). */
    readonly slot: number,
  ) {
    this.opened = new Promise((resolve, reject) => {
      this.open = resolve;
      this.reject = reject;
    });
    // A tail that fails before any tail() call awaits it must not be an unhandled rejection.
    this.opened.catch(() => undefined);
  }

  get failed(): boolean {
    return this.state === 'failed';
  }

  /** Whether `opened` has resolved. */
  get isOpen(): boolean {
    return this.everOpen;
  }

  /** A message of the live path. */
  receive(entry: StreamEntry): void {
    if (this.state === 'live') this.deliver(entry);
    else if (this.state === 'syncing') this.held.push(entry);
  }

  /** The subscription is gone (a dropped connection, a moved slot): nothing counts until a sync. */
  unsync(): void {
    if (this.state === 'failed') return;
    this.state = 'unsynced';
    this.held = [];
  }

  /** The subscription is made, the read of the stream begins; returns the sync's number. */
  startSync(): number {
    if (this.state !== 'failed') {
      this.state = 'syncing';
      this.held = [];
    }
    return ++this.syncs;
  }

  /** Sync `sync`'s read: what came after `lastId`, or (with no `lastId` yet) the newest entry. */
  synced(sync: number, entries: StreamEntry[]): void {
    if (this.state !== 'syncing' || sync !== this.syncs) return;
    if (this.lastId === undefined) this.lastId = entries[0]?.[0] ?? '0-0';
    else for (const entry of entries) this.deliver(entry);
    this.state = 'live';
    const held = this.held;
    this.held = [];
    for (const entry of held) this.deliver(entry);
    this.everOpen = true;
    this.open();
  }

  /** The channel cannot be read (its key holds another type): the tail ends. */
  fail(error: unknown): void {
    if (this.state === 'failed') return;
    this.state = 'failed';
    this.held = [];
    if (!this.everOpen) return this.reject(error);
    for (const listener of this.listeners) listener.error?.(error);
  }

  private deliver(entry: StreamEntry): void {
    if (this.lastId !== undefined && compareEventIds(entry[0], this.lastId) <= 0) return;
    this.lastId = entry[0];
    for (const listener of this.listeners) listener.event(entry);
  }
}
