import { HttpException, Logger, type ExecutionContext } from '@nestjs/common';
import type { Subscriber, TeardownLogic } from 'rxjs';
import type { HttpPlatform, RawRequest } from '../platform/index.js';
import { errorFrame } from '../sse/error-event.js';
import { ServerSentEvent } from '../sse/server-sent-event.js';
import { invalidValue } from '../sse/validation.js';
import { EventStreamWriter, type EventStreamWriterOwner } from './event-stream-writer.js';
import { HandlerResult } from './handler-result.js';
import type { ClosableStream, OpenStreams } from './open-streams.js';
import { BufferLimitExceededError } from './observable-pump.js';
import { startPump, type Pump, type PumpOwner } from './pump.js';
import { renderStreamError } from './stream-error.js';
import type { StreamRoute } from './stream-route.js';
import { drawRetry } from './stream-settings.js';
import { abortStreamSignal } from './stream-signal.js';
import { returnIterator, toStreamSource, type StreamSource } from './stream-source.js';
import { TimerWheels } from './timer-wheel.js';

/**
 * - pending: the method's result is settling (a Promise, a boxed result);
 * - piping: a source is read, the headers are not out yet (errors are HTTP errors);
 * - streaming: the headers are out (errors end the stream with an error frame);
 * - answered: the method returned no stream: Nest answers it (JSON), as any route;
 * - ended: the stream is over (its source ended, the client left, the app closed);
 * - failed: an error ended it; cancelled: an outer interceptor unsubscribed before
 *   the headers went out, and the response is left to what the outer chain answers.
 */
export type StreamState =
  'pending' | 'piping' | 'streaming' | 'answered' | 'ended' | 'failed' | 'cancelled';

const logger = new Logger('EventStream');

/** One request to an `@EventStream()` route, from the method's result to the last byte. */
export class EventStreamResponse implements EventStreamWriterOwner, PumpOwner, ClosableStream {
  // Shared timers (no Timeout per stream): the headers go out `commitAfter` ms after the
  // method returned a silent source; a stream ends `maxLifetime` ms after they went out.
  private static readonly commits = new TimerWheels<EventStreamResponse>((response) =>
    response.writer.commit(),
  );
  private static readonly lifetimes = new TimerWheels<EventStreamResponse>((response) =>
    response.writer.end(),
  );

  private current: StreamState = 'pending';
  private pump: Pump | undefined;
  /**
   * Nest's request chain, until the stream is handed over: it is let go then, so that
   * callbacks that live as long as the stream do not keep it.
   */
  private nest: Subscriber<unknown> | undefined;
  private readonly writer: EventStreamWriter;

  constructor(
    private readonly route: StreamRoute,
    private readonly context: ExecutionContext,
    private readonly platform: HttpPlatform,
    private readonly reply: object,
    private readonly request: RawRequest,
    private readonly openStreams: OpenStreams,
  ) {
    openStreams.add(this);
    const { settings } = route;
    // Listening from here on catches a client that leaves while pipes or the method run.
    this.writer = new EventStreamWriter(
      platform.rawResponse(reply),
      {
        connectionKeepAlive:
          request.httpVersion === '1.1' && !/\bclose\b/i.test(String(request.headers.connection)),
        keepAlive: settings.keepAlive,
        retry: drawRetry(settings.retry),
        stallTimeout: settings.stallTimeout,
      },
      this,
    );
  }

  get state(): StreamState {
    return this.current;
  }

  /** Runs the request with what the method returned; the teardown is Nest's unsubscribe. */
  run(returned: unknown, nest: Subscriber<unknown>): TeardownLogic {
    this.nest = nest;
    // The client was gone before the interceptor ran.
    if (this.current === 'ended') this.handBack(undefined);
    this.settle(returned);
    return () => this.cancel();
  }

  /** The writer cut a client that stopped reading: said once, with the route. */
  stalled(milliseconds: number): void {
    logger.warn(`${this.route.name}: cut a client that read nothing for ${milliseconds} ms`);
  }

  /** `app.close()`: the stream ends, or will not start. */
  shutdown(): void {
    if (this.isOpen) this.writer.end();
  }

  /** `app.close()` with a drain: the stream ends right after its next event. */
  shutdownAfterNextEvent(): void {
    if (this.isOpen) this.writer.endAfterNextFrame();
  }

  private get isOpen(): boolean {
    return this.current === 'pending' || this.current === 'piping' || this.current === 'streaming';
  }

  // A method may return another @EventStream() method's result, boxed, or a Promise of it.
  private settle(value: unknown): void {
    if (value instanceof HandlerResult) this.settle(value.value);
    else if (isThenable(value)) {
      value.then(
        (settled) => this.settle(settled),
        (error: unknown) => this.sourceFailed(error),
      );
    } else this.start(value);
  }

  private start(value: unknown): void {
    const source = toStreamSource(value);
    if (this.current !== 'pending') return closeSource(source);
    if (!source) return this.answer(value);
    // HEAD asks for the headers only, and the source might never end. Once the app is
    // closing, a stream opens only to tell its client to come back (to another instance).
    if (this.request.method === 'HEAD' || this.openStreams.closing) {
      closeSource(source);
      return this.writer.end();
    }
    this.current = 'piping';
    const { settings, encode } = this.route;
    this.pump = startPump(source, this.writer, encode, settings.maxBufferedBytes, this);
    // The clock starts once the method has returned its source: guards and pipes
    // have run, so their errors are always HTTP errors.
    if (settings.commitAfter === 0) this.writer.commit();
    else if (!this.writer.isCommitted)
      EventStreamResponse.commits.schedule(this, settings.commitAfter);
  }

  /** No stream: Nest answers the value as for any route (its interceptors, JSON). */
  private answer(value: unknown): void {
    this.current = 'answered';
    this.openStreams.delete(this);
    this.handBack(value);
  }

  sourceEnded(): void {
    if (this.current === 'piping') {
      // It ended before its first event, the headers not out yet: nothing to stream.
      this.current = 'ended';
      this.writer.endWithoutContent();
    } else if (this.current === 'streaming') {
      this.writer.end();
    }
  }

  sourceFailed(error: unknown): void {
    if (this.current === 'pending' || this.current === 'piping') {
      // Nothing sent yet: the exception filters answer with an ordinary HTTP error.
      this.current = 'failed';
      const nest = this.nest;
      this.nest = undefined;
      this.pump?.cancel();
      return nest?.error(error);
    }
    // Once cancelled, the response belongs to whoever cancelled; once ended, the
    // client is gone, and an error now is most often the method reacting to the abort.
    if (this.current !== 'streaming') return;
    this.current = 'failed';
    if (error instanceof BufferLimitExceededError) {
      logger.warn(`${this.route.name}: dropped the client, ${error.message}`);
      return this.writer.destroy();
    }
    if (!(error instanceof HttpException)) {
      const detail = (error as Error)?.stack ?? String(error);
      logger.error(`${this.route.name}: the stream failed after its first event`, detail);
    }
    const frame = this.errorFrame(error);
    if (frame !== undefined) this.writer.send(frame);
    this.writer.end();
  }

  /** The route's `errorEvent` for this error, encoded; a failing `errorEvent` is logged. */
  private errorFrame(error: unknown): string | undefined {
    try {
      const event = this.route.settings.errorEvent(error, renderStreamError(error), this.context);
      if (event === undefined) return undefined;
      if (!(event instanceof ServerSentEvent)) {
        throw invalidValue(
          this.route.name,
          'errorEvent',
          'must return a ServerSentEvent or undefined',
          event,
        );
      }
      return errorFrame(event);
    } catch (failure) {
      logger.error(
        `${this.route.name}: errorEvent failed`,
        (failure as Error)?.stack ?? String(failure),
      );
      return undefined;
    }
  }

  /**
   * An outer interceptor unsubscribed (e.g. a timeout) before the headers went out: the
   * source stops. Also Nest's teardown after the hand-over, which does nothing then.
   */
  private cancel(): void {
    if (!this.nest) return;
    this.nest = undefined;
    this.current = 'cancelled';
    this.cancelTimers();
    this.pump?.cancel();
  }

  takeOver(): void {
    this.platform.takeOver(this.reply, this.platform.rawResponse(this.reply));
  }

  // Nest is told the request is over, with one value, once the headers are out (as for a
  // StreamableFile): the stream then lives on its own, so interceptors such as a timeout
  // do not end it, and Nest's per-request state is not kept for its life.
  committed(): void {
    const { commitAfter, maxLifetime } = this.route.settings;
    EventStreamResponse.commits.cancel(this, commitAfter);
    if (maxLifetime !== undefined) EventStreamResponse.lifetimes.schedule(this, maxLifetime);
    if (this.current === 'piping' || this.current === 'pending') this.current = 'streaming';
    this.handBack(undefined);
  }

  // The stream's own end (or the client's): the source stops (an Observable is
  // unsubscribed at once), and a method waiting on the signal is told.
  closed(): void {
    this.openStreams.delete(this);
    this.cancelTimers();
    this.pump?.cancel();
    abortStreamSignal(this.request);
    if (this.current === 'pending' || this.current === 'piping') {
      // The client left before the headers (unless the filters answered an error that
      // came before the method returned): the reply Nest makes next must not write.
      if (!this.platform.rawResponse(this.reply).headersSent) this.takeOver();
      this.current = 'ended';
    } else if (this.current === 'streaming') {
      this.current = 'ended';
    }
    this.handBack(undefined);
  }

  private cancelTimers(): void {
    const { commitAfter, maxLifetime } = this.route.settings;
    EventStreamResponse.commits.cancel(this, commitAfter);
    if (maxLifetime !== undefined) EventStreamResponse.lifetimes.cancel(this, maxLifetime);
  }

  private handBack(value: unknown): void {
    const nest = this.nest;
    this.nest = undefined;
    nest?.next(value);
    nest?.complete();
  }
}

function closeSource(source: StreamSource | undefined): void {
  if (source?.kind === 'iterator') returnIterator(source.iterator);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
