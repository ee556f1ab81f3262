/** An event as a store keeps it: the fields of a `ServerSentEvent`, with the store's id. */
export interface StoredEvent {
  id: string;
  event?: string;
  /** JSON-safe value: it may travel through Redis to another instance. */
  data?: unknown;
  rawData?: string;
  comment?: string;
}

/** What `readAfter` found. */
export interface EventHistory {
  /** The events after the given id that the history still holds, oldest first. */
  events: StoredEvent[];
  /** The id is older than the history (events were trimmed since) or unknown to it. */
  lost: boolean;
}

/** Stops a `tail`. */
export type Unsubscribe = () => void;

/**
 * Where EventHub keeps channels: the seam to implement for another backend. Ids are
 * assigned by the store, strictly increasing per channel, in the form `<number>-<number>`
 * (as Redis stream ids), so that the hub can order them.
 */
export interface EventStore {
  /** Stores an event at the end of the channel; resolves with its id. */
  append(channel: string, event: Omit<StoredEvent, 'id'>): Promise<string>;
  /** The channel's history after `afterId`. */
  readAfter(channel: string, afterId: string): Promise<EventHistory>;
  /**
   * Every event appended after the returned promise resolves goes to `listener`, in order.
   * A failure that ends the tail for good (the channel can no longer be read: its Redis
   * key holds another type) goes to `onError`, after which nothing more comes.
   */
  tail(
    channel: string,
    listener: (event: StoredEvent) => void,
    onError?: (error: unknown) => void,
  ): Promise<Unsubscribe>;
  /** Releases what the store holds (connections, timers). */
  close(): Promise<void>;
}
