/** A stream that `app.close()` can end. */
export interface ClosableStream {
  /** Ends now. */
  shutdown(): void;
  /** Ends right after its next event: its client's Last-Event-ID is then the newest. */
  shutdownAfterNextEvent(): void;
}

/**
 * How long a draining stream waits for an event to end after. Cut between two events, its
 * client would go without events from the last one to the cut, then for its retry and
 * reconnect; cut right after one, for the retry and reconnect alone (a token stream or
 * a live feed sends one well within this). A stream with nothing to send ends after it.
 */
export const DRAIN_EVENT_WAIT = 250;

/**
 * The streams of one interceptor still open, and how `app.close()` ends them: at once,
 * or one after another over `drain` ms, each right after an event (or
 * `DRAIN_EVENT_WAIT` ms after its turn), so that their clients do not all reconnect (to
 * the other instances) in the same instant, and each comes back having missed nothing.
 */
export class OpenStreams {
  private readonly streams = new Set<ClosableStream>();
  private shuttingDown = false;

  /**
   * Whether `app.close()` has begun: a stream that starts now (a request accepted just
   * before) is ended as soon as it starts, or nothing would end it and close would wait.
   */
  get closing(): boolean {
    return this.shuttingDown;
  }

  get size(): number {
    return this.streams.size;
  }

  add(stream: ClosableStream): void {
    this.streams.add(stream);
  }

  delete(stream: ClosableStream): void {
    this.streams.delete(stream);
  }

  async end(drain: number): Promise<void> {
    this.shuttingDown = true;
    const streams = [...this.streams];
    if (drain === 0) {
      for (const stream of streams) stream.shutdown();
      return;
    }
    const interval = drain / streams.length;
    const start = Date.now();
    const ends: Promise<void>[] = [];
    for (const [index, stream] of streams.entries()) {
      // Each turn has its own time from the start: a busy event loop that wakes late
      // catches up instead of pushing every later turn back.
      const turn = start + index * interval;
      const wait = turn - Date.now();
      if (wait > 0) await delay(wait);
      stream.shutdownAfterNextEvent();
      // Within the window: the last turn waits no longer than the interval.
      const latest = Math.min(DRAIN_EVENT_WAIT, start + drain - turn);
      ends.push(delay(latest).then(() => stream.shutdown()));
    }
    await Promise.all(ends);
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
