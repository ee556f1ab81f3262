import { KEEPALIVE_COMMENT, openingFrame } from '../sse/format-sse-event.js';
import type { RawResponse } from '../platform/index.js';
import { SocketBody } from '../platform/socket-body.js';
import { TimerWheels } from './timer-wheel.js';

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

/** What waits for the writer to take more (the pump of its source). */
export interface ReadyWaiter {
  writerReady(): void;
}

// Frames wait in one string and leave in one write per batch: when the tick that made
// them is over, or as soon as this many characters are waiting.
const BATCH_CHARS = 64 * 1024;

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
};
const SSE_HEADERS_WITH_KEEP_ALIVE = { ...SSE_HEADERS, Connection: 'keep-alive' };

/** Idle time before the OS probes a stream's socket for a peer that is gone. */
const TCP_KEEPALIVE_DELAY = 30_000;

/**
 * Owns one response's bytes: commits the SSE headers, coalesces frames into few writes,
 * reports backpressure, sends keep-alive comments and notices the client leaving.
 * States: open → committed → closed (or open → closed).
 */
export class EventStreamWriter {
  // Shared timers (no Timeout, no callback per stream): a keep-alive is due after
  // `keepAlive` ms without a write (every write schedules it again), a stall after
  // `stallTimeout` ms unwritable.
  private static readonly keepAlives = new TimerWheels<EventStreamWriter>((writer) =>
    writer.keepAliveDue(),
  );
  private static readonly stalls = new TimerWheels<EventStreamWriter>((writer) =>
    writer.stallDue(),
  );

  private pending = '';
  private flushQueued = false;
  private writable = true;
  private committed = false;
  private closed = false;
  /** The response ends once the next frame is queued (a draining shutdown). */
  private endingAfterFrame = false;
  /** The one that waits for the writer to take more (its source's pump), if any. */
  private readyWaiter: ReadyWaiter | undefined;
  /** Whether a compressor added `flush()` (looked up once: a miss on every write costs). */
  private flushesCompressor = false;
  /**
   * Where writes go after the first (which takes the headers out): the socket, or
   * (null) the response; undefined until that first write.
   */
  private body: SocketBody | null | undefined;

  // The settings, copied: the object they come in is made per request.
  private readonly keepAlive: number | false;
  private readonly stallTimeout: number | false;
  private readonly retry: number | undefined;
  private readonly connectionKeepAlive: boolean;

  constructor(
    private readonly res: RawResponse,
    settings: EventStreamWriterSettings,
    private readonly owner: EventStreamWriterOwner,
  ) {
    this.keepAlive = settings.keepAlive;
    this.stallTimeout = settings.stallTimeout;
    this.retry = settings.retry;
    this.connectionKeepAlive = settings.connectionKeepAlive;
    // Listeners shared by every writer (they find theirs by the response), and 'drain'
    // only while the socket is full: no closures, no listener slot per idle stream.
    EventStreamWriter.writers.set(res, this);
    res.on('close', EventStreamWriter.onResponseClose);
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
    if (this.endingAfterFrame) {
      this.end();
      return false;
    }
    if (this.pending.length >= BATCH_CHARS) {
      this.flush();
      return false;
    }
    this.queueFlush();
    return this.writable;
  }

  /**
   * Tells `waiter` when the producer may go on: the socket drained (or closed), or
   * after one turn of the event loop. One waiter at a time.
   */
  ready(waiter: ReadyWaiter): void {
    if (this.closed || this.writable) setImmediate(tellReady, waiter);
    else this.readyWaiter = waiter;
  }

  /** Sends the SSE headers now, with the opening frame. */
  commit(): void {
    if (this.committed || this.closed) return;
    this.committed = true;
    const { res } = this;
    this.owner.takeOver();
    res.removeHeader('Content-Length');
    // One writeHead() with an object, not a setHeader() each: when nothing set a header
    // before (Fastify, node:http), Node sends them without keeping a copy (~0.4 KB).
    res.writeHead(
      res.statusCode,
      this.connectionKeepAlive ? SSE_HEADERS_WITH_KEEP_ALIVE : SSE_HEADERS,
    );
    // Sent on their own, Node's header string is flattened as it is written; sent with
    // the first frame, it stays the ~25 pieces writeHead() joined (~0.8 KB per stream).
    res.flushHeaders();
    // A peer that vanished (half-open connection) is found even while nothing is written.
    res.socket?.setKeepAlive?.(true, TCP_KEEPALIVE_DELAY);
    this.flushesCompressor = typeof res.flush === 'function';
    // With the first event, when one is on its way in this tick: one write for both.
    this.pending = openingFrame(this.retry) + this.pending;
    this.queueFlush();
    if (this.keepAlive !== false) EventStreamWriter.keepAlives.schedule(this, this.keepAlive);
    this.owner.committed();
  }

  /** Ends the response right after the next frame (not a keep-alive), with it. */
  endAfterNextFrame(): void {
    this.endingAfterFrame = true;
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
    process.nextTick(EventStreamWriter.flushLater, this);
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.pending === '' || this.closed) return;
    const chunk = this.pending;
    this.pending = '';
    const { keepAlive, stallTimeout, body } = this;
    let written: boolean;
    if (body) written = body.write(chunk);
    else {
      written = this.res.write(chunk);
      if (body === undefined) this.body = SocketBody.of(this.res) ?? null;
    }
    if (!written && this.writable) {
      this.writable = false;
      // A closure only while the socket is full, not one per idle stream.
      if (body) body.onceDrained(() => this.drained());
      else this.res.once('drain', EventStreamWriter.onResponseDrain);
      if (stallTimeout !== false) EventStreamWriter.stalls.schedule(this, stallTimeout);
    }
    if (this.flushesCompressor) this.res.flush!();
    // Once per batch, not per event: a move to the end of the keep-alive list.
    if (keepAlive !== false) EventStreamWriter.keepAlives.schedule(this, keepAlive);
  }

  // Due only after `keepAlive` ms without a write: every write schedules it again.
  private keepAliveDue(): void {
    // Frames waiting for the end of this tick go out instead (and schedule it again).
    if (this.pending !== '') return;
    this.pending = KEEPALIVE_COMMENT;
    this.flush();
  }

  private drained(): void {
    this.writable = true;
    if (this.stallTimeout !== false) EventStreamWriter.stalls.cancel(this, this.stallTimeout);
    this.tellWaiter();
  }

  // Memory stays bounded while a client does not read, but its socket and its source
  // would be held for good.
  private stallDue(): void {
    this.owner.stalled(this.stallTimeout as number);
    this.destroy();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = '';
    const { keepAlive, stallTimeout } = this;
    if (keepAlive !== false) EventStreamWriter.keepAlives.cancel(this, keepAlive);
    if (stallTimeout !== false) EventStreamWriter.stalls.cancel(this, stallTimeout);
    // The owner stops the source first: the waiter then finds the stream over.
    this.owner.closed();
    this.tellWaiter();
  }

  private tellWaiter(): void {
    const waiter = this.readyWaiter;
    this.readyWaiter = undefined;
    waiter?.writerReady();
  }

  private static readonly writers = new WeakMap<RawResponse, EventStreamWriter>();

  private static onResponseClose(this: RawResponse): void {
    EventStreamWriter.writers.get(this)!.close();
  }

  private static onResponseDrain(this: RawResponse): void {
    EventStreamWriter.writers.get(this)!.drained();
  }

  /** `process.nextTick`'s callback, given the writer: no closure per writer. */
  private static flushLater(this: void, writer: EventStreamWriter): void {
    writer.flush();
  }
}

const tellReady = (waiter: ReadyWaiter): void => waiter.writerReady();
