import { KEEPALIVE_COMMENT } from '../sse/format-sse-event.js';

/** The part of Node's `ServerResponse` (HTTP/1) and `Http2ServerResponse` the writer uses. */
export interface RawResponse {
  statusCode: number;
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  readonly writableLength?: number;
  readonly destroyed?: boolean;
  setHeader(name: string, value: string | string[]): unknown;
  removeHeader(name: string): void;
  flushHeaders(): void;
  write(chunk: string): boolean;
  end(): unknown;
  destroy(error?: Error): unknown;
  on(event: 'close' | 'drain', listener: () => void): unknown;
  /**
   * Added by compression middleware. `Cache-Control: no-transform` already keeps
   * `compression` off the stream; one that compresses anyway holds output until flushed.
   */
  flush?: () => void;
}

export interface EventStreamWriterOptions {
  status: number;
  /**
   * Send `Connection: keep-alive` (for proxies): right on HTTP/1.1 unless the client
   * asked to close; HTTP/2 forbids the header.
   */
  connectionKeepAlive: boolean;
  keepAlive: number | false;
  retry: number | undefined;
  /** Runs just before the headers go out: a framework hands the raw response over. */
  beforeCommit?: () => void;
}

// Frames wait in one string and leave in one write per batch: when the tick that made
// them is over, or as soon as this many characters are waiting.
const BATCH_CHARS = 64 * 1024;

/**
 * Owns one response: commits the SSE headers, coalesces frames into few writes,
 * reports backpressure, sends keep-alive comments and notices the client leaving.
 */
export class EventStreamWriter {
  private pending = '';
  private flushQueued = false;
  private writable = true;
  private committed = false;
  private closed = false;
  private lastWriteAt = 0;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private readyWaiters: Array<() => void> = [];
  private readonly closeListeners: Array<(clientLeft: boolean) => void> = [];
  private commitListener: (() => void) | undefined;
  /** Whether a compressor added `flush()` (looked up once: a miss on every write costs). */
  private flushesCompressor = false;

  constructor(
    private readonly res: RawResponse,
    private readonly options: EventStreamWriterOptions,
  ) {
    res.on('drain', this.onDrain);
    res.on('close', this.onClose);
    // A client that left during a slow guard or interceptor has no 'close' left to emit.
    if (res.destroyed) this.close(true);
  }

  get isCommitted(): boolean {
    return this.committed;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** What this response holds that the client has not taken yet, in (roughly) bytes. */
  get bufferedBytes(): number {
    return (this.res.writableLength ?? 0) + this.pending.length;
  }

  /** Runs once when the response is over; `clientLeft` tells a disconnect from an end. */
  onceClosed(listener: (clientLeft: boolean) => void): void {
    if (this.closed) listener(!this.res.writableEnded);
    else this.closeListeners.push(listener);
  }

  /** Runs once, right after the headers went out (not if the response closes before). */
  onceCommitted(listener: () => void): void {
    if (this.committed) listener();
    else this.commitListener = listener;
  }

  /**
   * Queues one frame (committing the headers first if need be). Returns false when
   * the producer should `await ready()` before the next one: the socket is full, or
   * a batch just went out and other connections deserve a turn.
   */
  send(frame: string): boolean {
    if (this.closed) return false;
    if (!this.committed) this.commit();
    this.pending += frame;
    if (this.pending.length >= BATCH_CHARS) {
      this.flush();
      return false;
    }
    if (!this.flushQueued) {
      this.flushQueued = true;
      process.nextTick(this.flush);
    }
    return this.writable;
  }

  /** Resolves when the producer may go on: the socket drained (or closed), or after one turn of the event loop. */
  ready(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.writable) return new Promise((resolve) => setImmediate(resolve));
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Sends the status and headers now, with the `retry:` line if there is one. */
  commit(): void {
    if (this.committed || this.closed) return;
    this.committed = true;
    const { res, options } = this;
    options.beforeCommit?.();
    res.statusCode = options.status;
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    if (options.connectionKeepAlive) res.setHeader('Connection', 'keep-alive');
    res.removeHeader('Content-Length');
    this.flushesCompressor = typeof res.flush === 'function';
    if (options.retry !== undefined) {
      this.pending = `retry: ${options.retry}\n\n${this.pending}`;
      this.flush();
    } else if (this.pending === '') {
      res.flushHeaders();
      if (this.flushesCompressor) res.flush!();
    }
    if (options.keepAlive !== false) this.armKeepAlive(options.keepAlive);
    const listener = this.commitListener;
    this.commitListener = undefined;
    listener?.();
  }

  /** Writes what is queued and ends the response. */
  end(): void {
    if (this.closed) return;
    if (!this.committed) this.commit();
    this.flush();
    this.res.end();
    this.close(false);
  }

  /**
   * Ends a response that has sent nothing with `204 No Content`: there is nothing to
   * stream, and an `EventSource` stops reconnecting on a 204.
   */
  endWithoutContent(): void {
    if (this.closed) return;
    if (this.committed) return this.end();
    this.committed = true;
    this.options.beforeCommit?.();
    this.res.statusCode = 204;
    this.res.end();
    this.close(false);
  }

  /** Cuts the connection (e.g. a client that cannot keep up). */
  destroy(): void {
    if (this.closed) return;
    this.res.destroy();
    this.close(true);
  }

  private readonly flush = (): void => {
    this.flushQueued = false;
    if (this.pending === '' || this.closed) return;
    const chunk = this.pending;
    this.pending = '';
    this.writable = this.res.write(chunk) && this.writable;
    if (this.flushesCompressor) this.res.flush!();
    this.lastWriteAt = Date.now();
  };

  private armKeepAlive(delay: number): void {
    this.keepAliveTimer = setTimeout(this.keepAliveTick, delay);
    this.keepAliveTimer.unref();
  }

  // One timer per stream, re-armed for the rest of the silence, rather than one reset
  // per event: events can come by the hundred thousand a second.
  private readonly keepAliveTick = (): void => {
    const interval = this.options.keepAlive as number;
    const silence = Date.now() - this.lastWriteAt;
    if (silence >= interval && this.pending === '') {
      this.pending = KEEPALIVE_COMMENT;
      this.flush();
      this.armKeepAlive(interval);
    } else {
      this.armKeepAlive(Math.max(interval - silence, 1));
    }
  };

  private readonly onDrain = (): void => {
    this.writable = true;
    this.releaseWaiters();
  };

  private readonly onClose = (): void => this.close(!this.res.writableEnded);

  private close(clientLeft: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = '';
    this.commitListener = undefined;
    clearTimeout(this.keepAliveTimer);
    this.releaseWaiters();
    for (const listener of this.closeListeners.splice(0)) listener(clientLeft);
  }

  private releaseWaiters(): void {
    for (const resolve of this.readyWaiters.splice(0)) resolve();
  }
}
