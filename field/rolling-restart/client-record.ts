// What one client saw of a series of events numbered 0 … events - 1: which arrived, how
// often, in what order, the longest time without one, and how its connection fared.

export interface ClientFigures {
  received: number;
  /** Events that never arrived. */
  lost: number;
  /** Copies beyond the first. */
  duplicated: number;
  /** First copies that arrived after a later event. */
  outOfOrder: number;
  /** Longest time between two events (or from the last one to the end, if it missed the end). */
  longestGapMs: number;
  /** The event that ended the longest gap (-1: the gap ran to the end): when it happened. */
  longestGapEndedBy: number;
  /** Where the longest gap went, when a reconnect ended it. */
  longestGapParts?: GapParts;
  /** Connections that opened after the first. */
  reconnects: number;
  /** Error events with an HTTP status of 500 or more (a proxy's 502 or 504). */
  serverErrors: number;
  /** Error events with another status (EventSource stops on any non-200). */
  otherStatusErrors: number;
  /** Error events without a status: the stream ended or a connection failed; the client retries. */
  connectionErrors: number;
  /** `history-lost` events: the client came back too late for the history. */
  historyLost: number;
  /** The client stopped reconnecting (a non-200 status or a 204). */
  closedForGood: boolean;
}

/** A gap that a reconnect ended, in three parts (ms). */
export interface GapParts {
  /** From the last event to the end of the stream (the error event). */
  untilEnd: number;
  /** From the end to the new connection's response: the retry, then the request. */
  reconnect: number;
  /** From the response to the first event (a replayed one, or the next live one). */
  untilEvent: number;
}

export class ClientRecord {
  private readonly copies: Uint16Array;
  private highest = -1;
  private lastAt: number | undefined;
  private endedAt: number | undefined;
  private openedAt: number | undefined;
  private readonly figures: ClientFigures = {
    received: 0,
    lost: 0,
    duplicated: 0,
    outOfOrder: 0,
    longestGapMs: 0,
    longestGapEndedBy: -1,
    reconnects: -1,
    serverErrors: 0,
    otherStatusErrors: 0,
    connectionErrors: 0,
    historyLost: 0,
    closedForGood: false,
  };

  constructor(private readonly events: number) {
    this.copies = new Uint16Array(events);
  }

  /** Whether the last event of the series has arrived. */
  get hasLast(): boolean {
    return this.copies[this.events - 1] > 0;
  }

  get closedForGood(): boolean {
    return this.figures.closedForGood;
  }

  /** A connection got its response at `at`. */
  opened(at: number): void {
    this.figures.reconnects++;
    this.openedAt = at;
  }

  /** Event number `k` arrived at `at` (milliseconds). */
  event(k: number, at: number): void {
    if (!Number.isSafeInteger(k) || k < 0 || k >= this.events)
      throw new RangeError(`ClientRecord: event number must be 0 to ${this.events - 1}, got ${k}`);
    const figures = this.figures;
    figures.received++;
    if (this.copies[k] > 0) figures.duplicated++;
    else if (k < this.highest) figures.outOfOrder++;
    this.copies[k]++;
    this.highest = Math.max(this.highest, k);
    const { lastAt, endedAt, openedAt } = this;
    if (lastAt !== undefined && at - lastAt > figures.longestGapMs) {
      figures.longestGapMs = at - lastAt;
      figures.longestGapEndedBy = k;
      figures.longestGapParts =
        endedAt !== undefined && openedAt !== undefined && lastAt <= endedAt && endedAt <= openedAt
          ? { untilEnd: endedAt - lastAt, reconnect: openedAt - endedAt, untilEvent: at - openedAt }
          : undefined;
    }
    this.lastAt = at;
  }

  /**
   * An error event at `at`: `status` when it came with an HTTP status; `closed` when the
   * client gave up.
   */
  error(status: number | undefined, closed: boolean, at: number): void {
    // The first error after an event: where the stream ended.
    if (this.endedAt === undefined || (this.lastAt ?? 0) > this.endedAt) this.endedAt = at;
    if (status === undefined) this.figures.connectionErrors++;
    else if (status >= 500) this.figures.serverErrors++;
    else this.figures.otherStatusErrors++;
    if (closed) this.figures.closedForGood = true;
  }

  historyLost(): void {
    this.figures.historyLost++;
  }

  /** The figures once the observation ended at `endAt`. */
  result(endAt: number): ClientFigures {
    let lost = 0;
    for (const count of this.copies) if (count === 0) lost++;
    const figures = { ...this.figures, lost, reconnects: Math.max(0, this.figures.reconnects) };
    // A client that missed the end has been without events since its last one.
    const gapToEnd = endAt - (this.lastAt ?? endAt);
    if (!this.hasLast && gapToEnd > figures.longestGapMs) {
      figures.longestGapMs = gapToEnd;
      figures.longestGapEndedBy = -1;
    }
    return figures;
  }
}
