import { ChannelCompletedError } from './channel-completed.error.js';
import { parseEventId } from './event-id.js';
import type {
  EventHistory,
  EventStore,
  StoredEvent,
  Unsubscribe,
} from './event-store.interface.js';
import { assertExpireAfter, assertHistorySize } from './store-options.js';

export interface MemoryEventStoreOptions {
  /** Events kept per channel for replay. Default 1000. */
  historySize?: number;
  /**
   * Ms after a channel's last event and its last subscriber that it is forgotten:
   * history, completion and all. Default: channels are kept for as long as the process.
   */
  expireAfter?: number;
}

interface MemoryChannel {
  /** First part of this channel's ids, new each time the channel is created. */
  epoch: number;
  /** The newest `historySize` events, oldest first, then the completion if any. */
  history: StoredEvent[];
  /** Sequence number of the last entry appended. */
  last: number;
  listeners: Set<(event: StoredEvent) => void>;
}

/** setTimeout's largest delay; a longer one fires at once. */
const MAX_TIMEOUT = 2 ** 31 - 1;

/**
 * The default store: history in this process's memory. Ids are `<epoch>-<sequence>`,
 * the epoch taken from the clock each time a channel is created (and strictly
 * increasing), so that an id from before a restart, or from before the channel expired,
 * is recognised as unknown rather than taken for a current one.
 */
export class MemoryEventStore implements EventStore {
  private readonly historySize: number;
  private readonly expireAfter: number | undefined;
  private readonly channels = new Map<string, MemoryChannel>();
  /**
   * Channels without listeners, to when they are forgotten. Each gets `now + expireAfter`
   * and is moved to the end when that changes, so the map is in deadline order: one
   * timer, for the first deadline, serves every channel.
   */
  private readonly expiries = new Map<string, number>();
  private expiryTimer: NodeJS.Timeout | undefined;
  private lastEpoch = 0;

  constructor(options: MemoryEventStoreOptions = {}) {
    const { historySize = 1000, expireAfter } = options;
    assertHistorySize('MemoryEventStore', historySize);
    assertExpireAfter('MemoryEventStore', expireAfter);
    this.historySize = historySize;
    this.expireAfter = expireAfter;
  }

  /** How many channels are held: for tests and metrics. */
  get channelCount(): number {
    return this.channels.size;
  }

  async append(channel: string, event: Omit<StoredEvent, 'id' | 'completed'>): Promise<string> {
    const state = this.channel(channel);
    if (state.history.at(-1)?.completed) throw new ChannelCompletedError(channel);
    return this.add(channel, state, { ...event });
  }

  async complete(channel: string): Promise<string> {
    const state = this.channel(channel);
    const last = state.history.at(-1);
    if (last?.completed) return last.id;
    return this.add(channel, state, { completed: true });
  }

  async readAfter(channel: string, afterId: string): Promise<EventHistory> {
    const state = this.channels.get(channel);
    if (!state) return { events: [], lost: true };
    const { history, last } = state;
    const parsed = parseEventId(afterId);
    const sequence = parsed && parsed[0] === BigInt(state.epoch) ? Number(parsed[1]) : undefined;
    if (sequence === undefined || sequence > last) return { events: history.slice(), lost: true };
    const first = last - history.length + 1;
    const events = history.slice(Math.max(sequence - first + 1, 0));
    // The completion ends every read, even one after its own id.
    const completion = history.at(-1);
    if (completion?.completed && events.length === 0) events.push(completion);
    return { events, lost: sequence < first - 1 };
  }

  async readLast(channel: string, count: number): Promise<EventHistory> {
    const state = this.channels.get(channel);
    if (!state) return { events: [], lost: false };
    const { history, last } = state;
    const completed = history.at(-1)?.completed ? 1 : 0;
    const held = history.length - completed;
    const start = count >= held ? 0 : held - count;
    // Sequence 1 is no longer held: older events were trimmed.
    const trimmed = last - history.length + 1 > 1;
    return { events: history.slice(start), lost: held < count && trimmed };
  }

  async tail(channel: string, listener: (event: StoredEvent) => void): Promise<Unsubscribe> {
    const state = this.channel(channel);
    state.listeners.add(listener);
    this.expiries.delete(channel);
    return () => {
      if (!state.listeners.delete(listener) || state.listeners.size > 0) return;
      if (this.channels.get(channel) !== state) return;
      // A channel nobody listens to and that never held an event is forgotten at once.
      if (state.history.length === 0) this.channels.delete(channel);
      else this.expireLater(channel);
    };
  }

  async close(): Promise<void> {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    this.expiries.clear();
    this.channels.clear();
  }

  private channel(name: string): MemoryChannel {
    let state = this.channels.get(name);
    if (!state) {
      this.lastEpoch = Math.max(Date.now(), this.lastEpoch + 1);
      state = { epoch: this.lastEpoch, history: [], last: 0, listeners: new Set() };
      this.channels.set(name, state);
    }
    return state;
  }

  private add(name: string, state: MemoryChannel, entry: Omit<StoredEvent, 'id'>): string {
    const stored: StoredEvent = { ...entry, id: `${state.epoch}-${++state.last}` };
    state.history.push(stored);
    // The completion comes on top of the events the history keeps.
    if (!stored.completed && state.history.length > this.historySize) state.history.shift();
    for (const listener of state.listeners) listener(stored);
    if (state.listeners.size === 0) this.expireLater(name);
    return stored.id;
  }

  /** The channel, which has no listener, is forgotten `expireAfter` ms from now. */
  private expireLater(name: string): void {
    if (this.expireAfter === undefined) return;
    this.expiries.delete(name);
    this.expiries.set(name, Date.now() + this.expireAfter);
    this.scheduleExpiry();
  }

  // A timer that fires before the first deadline (its channel got a listener since)
  // finds nothing due and sets itself again.
  private scheduleExpiry(): void {
    if (this.expiryTimer !== undefined) return;
    const first = this.expiries.values().next();
    if (first.done) return;
    const delay = Math.min(Math.max(first.value - Date.now(), 0), MAX_TIMEOUT);
    this.expiryTimer = setTimeout(() => this.expire(), delay);
    // Expiry alone does not keep the process alive.
    this.expiryTimer.unref();
  }

  private expire(): void {
    this.expiryTimer = undefined;
    const now = Date.now();
    for (const [name, deadline] of this.expiries) {
      if (deadline > now) break;
      this.expiries.delete(name);
      this.channels.delete(name);
    }
    this.scheduleExpiry();
  }
}
