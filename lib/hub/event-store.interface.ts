/**
 * An entry of a channel's log as a store keeps it: an event (the fields of a
 * `ServerSentEvent`, with the store's id), or the completion that ends the channel.
 */
export interface StoredEvent {
  id: string;
  event?: string;
  /** JSON-safe value: it may travel through Redis to another instance. */
  data?: unknown;
  rawData?: string;
  comment?: string;
  /**
   * This entry is the channel's completion (`complete()`), not an event: it has no other
   * field, it is the last entry of the log, and reads and tails give it in its place.
   */
  completed?: true;
}

/** What `readAfter` and `readLast` found. */
export interface EventHistory {
  /**
   * The entries the history still holds, oldest first; the completion, if the channel
   * is completed, last.
   */
  events: StoredEvent[];
  /**
   * Not everything asked for is there: the id is older than the history (events were
   * trimmed or expired since) or unknown to it; or, for `readLast`, fewer events are
   * held than asked for because older ones were trimmed.
   */
  lost: boolean;
}

/** Stops a `tail`. */
export type Unsubscribe = () => void;

/**
 * Where EventHub keeps channels: the seam to implement for another backend. Ids are
 * assigned by the store, strictly increasing per channel and never reused (not even
 * after a channel expired), in the form `<number>-<number>` (as Redis stream ids), so
 * that the hub can order them.
 */
export interface EventStore {
  /**
   * Stores an event at the end of the channel; resolves with its id. Rejects with a
   * `ChannelCompletedError` if the channel is completed (checked atomically with the
   * append, so that no event ever follows the completion).
   */
  append(channel: string, event: Omit<StoredEvent, 'id' | 'completed'>): Promise<string>;
  /**
   * Appends the completion entry (`{ id, completed: true }`) to the channel, which
   * refuses events from then on; resolves with its id. On a completed channel, resolves
   * with the id of its completion.
   */
  complete(channel: string): Promise<string>;
  /** The channel's history after `afterId`. */
  readAfter(channel: string, afterId: string): Promise<EventHistory>;
  /**
   * The channel's last `count` events (0 or more; `Infinity`: all the history holds),
   * followed by the completion if the channel is completed.
   */
  readLast(channel: string, count: number): Promise<EventHistory>;
  /**
   * Every entry appended after the returned promise resolves (events and the completion)
   * goes to `listener`, in order.
   */
  tail(channel: string, listener: (event: StoredEvent) => void): Promise<Unsubscribe>;
  /** Releases what the store holds (connections, timers). */
  close(): Promise<void>;
}
