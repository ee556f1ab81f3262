/** A stream that `app.close()` can end. */
export interface ClosableStream {
  shutdown(): void;
}

/**
 * The streams of one interceptor still open, and how `app.close()` ends them: at once,
 * or one after another over `drain` ms, so that their clients do not all reconnect (to
 * the other instances) in the same instant.
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
    const interval = drain / streams.length;
    const start = Date.now();
    for (const [index, stream] of streams.entries()) {
      // Each end has its own time from the start: a busy event loop that wakes late
      // catches up instead of pushing every later end back.
      const wait = start + index * interval - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      stream.shutdown();
    }
  }
}
