import { parseEventId } from './event-id.js';
import type {
  EventHistory,
  EventStore,
  StoredEvent,
  Unsubscribe,
} from './event-store.interface.js';

export interface MemoryEventStoreOptions {
  /** Events kept per channel for replay. Default 1000. */
  historySize?: number;
}

interface MemoryChannel {
  /** The newest `historySize` events, oldest first. */
  history: StoredEvent[];
  /** Sequence number of the last event appended. */
  last: number;
  listeners: Set<(event: StoredEvent) => void>;
}

/**
 * The default store: history in this process's memory. Ids are `<epoch>-<sequence>`,
 * the epoch being this store's creation time, so that an id from before a restart is
 * recognised as unknown rather than taken for a current one.
 */
export class MemoryEventStore implements EventStore {
  private readonly historySize: number;
  private readonly epoch = String(Date.now());
  private readonly channels = new Map<string, MemoryChannel>();

  constructor(options: MemoryEventStoreOptions = {}) {
    const { historySize = 1000 } = options;
    if (!Number.isSafeInteger(historySize) || historySize < 1) {
      throw new RangeError(
        `MemoryEventStore: "historySize" must be a positive integer, got ${historySize}`,
      );
    }
    this.historySize = historySize;
  }

  /** How many channels are held: for tests and metrics. */
  get channelCount(): number {
    return this.channels.size;
  }

  async append(channel: string, event: Omit<StoredEvent, 'id'>): Promise<string> {
    const state = this.channel(channel);
    const stored: StoredEvent = { ...event, id: `${this.epoch}-${++state.last}` };
    state.history.push(stored);
    if (state.history.length > this.historySize) state.history.shift();
    for (const listener of state.listeners) listener(stored);
    return stored.id;
  }

  async readAfter(channel: string, afterId: string): Promise<EventHistory> {
    const history = this.channels.get(channel)?.history ?? [];
    const last = this.channels.get(channel)?.last ?? 0;
    const parsed = parseEventId(afterId);
    const sequence = parsed && String(parsed[0]) === this.epoch ? Number(parsed[1]) : undefined;
    if (sequence === undefined || sequence > last) return { events: history.slice(), lost: true };
    const first = last - history.length + 1;
    return { events: history.slice(Math.max(sequence - first + 1, 0)), lost: sequence < first - 1 };
  }

  async tail(channel: string, listener: (event: StoredEvent) => void): Promise<Unsubscribe> {
    const state = this.channel(channel);
    state.listeners.add(listener);
    return () => {
      state.listeners.delete(listener);
      // A channel nobody listens to and that never held an event is forgotten.
      if (state.listeners.size === 0 && state.history.length === 0) this.channels.delete(channel);
    };
  }

  async close(): Promise<void> {
    this.channels.clear();
  }

  private channel(name: string): MemoryChannel {
    let state = this.channels.get(name);
    if (!state) {
      state = { history: [], last: 0, listeners: new Set() };
      this.channels.set(name, state);
    }
    return state;
  }
}
