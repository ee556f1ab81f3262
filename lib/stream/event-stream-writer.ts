import { KEEPALIVE_COMMENT, openingFrame } from '../sse/format-sse-event.js';
import type { RawResponse } from '../platform/index.js';

export interface EventStreamWriterSettings {
  /**
   * Send `Connection: keep-alive` (for proxies): right on HTTP/1.1 unless the client
   * asked to close; HTTP/2 forbids the header.
   */
  connectionKeepAlive: boolean;
  keepAlive: number | false;
  retry: number | undefined;
  stallTimeout: number | false;
}

/** What the writer tells the one that owns the response (an `EventStreamResponse`). */
export interface EventStreamWriterOwner {
  /** Just before the headers go out: the framework hands the raw response over. */
  takeOver(): void;
  /** Once, right after the headers went out (not if the response closes before). */
  committed(): void;
  /** Once, when the response is over: ended, cut, or the client left. */
  closed(): void;
  /** The client read nothing for `stallTimeout` ms: the connection is being cut. */
  stalled(milliseconds: number): void;
}

// Frames wait in one string and leave in one write per batch: when the tick that made
// them is over, or as soon as this many characters are waiting.
const BATCH_CHARS = 64 * 1024;

/** Idle time before the OS probes a stream's socket for a peer that is gone. */
const TCP_KEEPALIVE_DELAY = 30_000;

/**
 * Owns one response's bytes: commits the SSE headers, coalesces frames into few writes,
 * reports backpressure, sends keep-alive comments and notices the client leaving.
 * States: open → committed → closed (or open → closed).
 */
export class EventStreamWriter {
  private pending = '';
  private flushQueued = false;
  private writable = true;
  private committed = false;
  private closed = false;
  private lastWriteAt = 0;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  private readyWaiters: Array<() => void> = [];
  /** Whether a compressor added `flush()` (looked up once: a miss on every write costs). */
  private flushesCompressor = false;

  constructor(
    private readonly res: RawResponse,
    private readonly settings: EventStreamWriterSettings,
    private readonly owner: EventStreamWriterOwner,
  ) {
    res.on('drain', this.onDrain);
    res.on('close', this.onClose);
    // A client that left during a slow guard or interceptor has no 'close' left to emit.
    if (res.destroyed) this.close();
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
    this.queueFlush();
    return this.writable;
  }

  /** Resolves when the producer may go on: the socket drained (or closed), or after one turn of the event loop. */
  ready(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.writable) return new Promise((resolve) => setImmediate(resolve));
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Sends the SSE headers now, with the opening frame. */
  commit(): void {
    if (this.committed || this.closed) return;
    this.committed = true;
    const { res, settings } = this;
    this.owner.takeOver();
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    if (settings.connectionKeepAlive) res.setHeader('Connection', 'keep-alive');
    res.removeHeader('Content-Length');
    // A peer that vanished (half-open connection) is found even while nothing is written.
    res.socket?.setKeepAlive?.(true, TCP_KEEPALIVE_DELAY);
    this.flushesCompressor = typeof res.flush === 'function';
    // With the first event, when one is on its way in this tick: one write for both.
    this.pending = openingFrame(settings.retry) + this.pending;
    this.queueFlush();
    if (settings.keepAlive !== false) this.armKeepAlive(settings.keepAlive);
    this.owner.committed();
  }

  /** Writes what is queued and ends the response. */
  end(): void {
    if (this.closed) return;
    if (!this.committed) this.commit();
    this.flush();
    this.res.end();
    this.close();
  }

  /**
   * Ends a response that has sent nothing with `204 No Content`: there is nothing to
   * stream, and an `EventSource` stops reconnecting on a 204.
   */
  endWithoutContent(): void {
    if (this.closed) return;
    if (this.committed) return this.end();
    this.committed = true;
    this.owner.takeOver();
    this.res.statusCode = 204;
    this.res.end();
    this.close();
  }

  /** Cuts the connection (e.g. a client that cannot keep up). */
  destroy(): void {
    if (this.closed) return;
    this.res.destroy();
    this.close();
  }

  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    process.nextTick(this.flush);
  }

  private readonly flush = (): void => {
    this.flushQueued = false;
    if (this.pending === '' || this.closed) return;
    const chunk = this.pending;
    this.pending = '';
    this.writable = this.res.write(chunk) && this.writable;
    if (!this.writable && this.stallTimer === undefined && this.settings.stallTimeout !== false) {
      this.stallTimer = setTimeout(this.onStall, this.settings.stallTimeout);
      this.stallTimer.unref();
    }
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
    const interval = this.settings.keepAlive as number;
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
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    this.releaseWaiters();
  };

  private readonly onClose = (): void => this.close();

  // Memory stays bounded while a client does not read, but its socket and its source
  // would be held for good.
  private readonly onStall = (): void => {
    this.owner.stalled(this.settings.stallTimeout as number);
    this.destroy();
  };

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = '';
    clearTimeout(this.keepAliveTimer);
    clearTimeout(this.stallTimer);
    this.releaseWaiters();
    this.owner.closed();
  }

  private releaseWaiters(): void {
    for (const resolve of this.readyWaiters.splice(0)) resolve();
  }
}
