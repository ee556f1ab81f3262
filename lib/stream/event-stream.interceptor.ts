import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { HttpException } from '@nestjs/common';
import { mergeMap, Observable, type Subscriber } from 'rxjs';
import { EVENT_STREAM_METADATA, EVENT_STREAM_MODULE_OPTIONS } from '../event-stream.constants.js';
import type {
  EventStreamModuleOptions,
  EventStreamOptions,
} from '../interfaces/event-stream-options.interface.js';
import { createEventEncoder, type EventEncoder } from '../sse/event-encoder.js';
import { serializeSseFields } from '../sse/format-sse-event.js';
import { describe } from '../sse/sse-fields.js';
import { createClassTransformerEncoder } from '../serialize/class-transformer-encoder.js';
import { closeEventSource, toEventSource } from './event-source.js';
import { EventStreamWriter, type RawResponse } from './event-stream-writer.js';
import { HandlerResult } from './handler-result.js';
import {
  BufferLimitExceededError,
  pipeEventSource,
  type PipedEventSource,
} from './pipe-event-source.js';
import { renderStreamError } from './stream-error.js';
import { resolveStreamSettings, type StreamSettings } from './stream-settings.js';
import { streamAbortController } from './stream-signal.js';

/** Everything about a route that does not change between requests, built once. */
interface StreamRoute {
  name: string;
  status: number;
  settings: StreamSettings;
  encode: EventEncoder;
}

interface RawRequest {
  method?: string;
  httpVersion: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Turns what an `@EventStream()` method returns into a `text/event-stream` response
 * written straight to the socket (Nest's own response handling is switched off for
 * the route, as with `@Res()`).
 */
@Injectable()
export class EventStreamInterceptor implements NestInterceptor, BeforeApplicationShutdown {
  private readonly logger = new Logger('EventStream');
  private readonly routes = new WeakMap<object, StreamRoute>();
  private readonly openStreams = new Set<EventStreamWriter>();

  constructor(
    @Optional()
    @Inject(EVENT_STREAM_MODULE_OPTIONS)
    private readonly moduleOptions?: EventStreamModuleOptions,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const route = this.route(context);
    const http = context.switchToHttp();
    const request = unwrap<RawRequest>(http.getRequest());
    const reply = http.getResponse<object>();
    const response = unwrap<RawResponse>(reply);
    const signal = streamAbortController(request);
    // Listening from here on catches a client that leaves while pipes or the method run.
    const writer = new EventStreamWriter(response, {
      status: route.status,
      connectionKeepAlive:
        request.httpVersion === '1.1' && !/\bclose\b/i.test(String(request.headers.connection)),
      keepAlive: route.settings.keepAlive,
      retry: route.settings.retry,
      beforeCommit: isFastifyReply(reply) ? () => handOver(reply, response) : undefined,
    });
    this.openStreams.add(writer);
    writer.onceClosed(() => {
      this.openStreams.delete(writer);
      signal.abort();
    });
    return next.handle().pipe(mergeMap((result) => this.stream(route, request, writer, result)));
  }

  /** `app.close()`: end every open stream, so that the server can close. */
  beforeApplicationShutdown(): void {
    for (const writer of this.openStreams) writer.end();
  }

  private stream(
    route: StreamRoute,
    request: RawRequest,
    writer: EventStreamWriter,
    returned: unknown,
  ): Observable<unknown> {
    return new Observable((subscriber) => {
      let piped: PipedEventSource | undefined;
      let commitTimer: NodeJS.Timeout | undefined;
      let cancelled = false;
      // Nest's request chain, until the stream is handed over: it is let go then, so that
      // callbacks that live as long as the stream do not keep it.
      let nest: Subscriber<unknown> | undefined = subscriber;
      // Nest is told the request is over, with one value, once the headers are out (as
      // for a StreamableFile): the stream then lives on its own, so interceptors such as
      // a timeout do not end it, and Nest's per-request state is not kept for its life.
      const finish = (): void => {
        const chain = nest;
        nest = undefined;
        chain?.next(undefined);
        chain?.complete();
      };
      const fail = (error: unknown): void => {
        if (!writer.isCommitted) {
          // Nothing sent yet: the exception filters answer with an ordinary HTTP error.
          return nest?.error(error);
        }
        // The client is gone: nobody to tell, and an error now is most often the
        // method reacting to the abort.
        if (writer.isClosed) return;
        if (error instanceof BufferLimitExceededError) {
          this.logger.warn(`${route.name}: dropped the client, ${error.message}`);
          return writer.destroy();
        }
        if (!(error instanceof HttpException)) {
          this.logger.error(
            `${route.name}: the stream failed after its first event`,
            (error as Error)?.stack ?? String(error),
          );
        }
        writer.send(
          serializeSseFields({ event: 'error', data: JSON.stringify(renderStreamError(error)) }),
        );
        writer.end();
      };
      writer.onceCommitted(finish);
      // The stream's own end: the source stops (an Observable is unsubscribed at once).
      writer.onceClosed(() => {
        clearTimeout(commitTimer);
        piped?.cancel();
        finish();
      });

      // A method may return another @EventStream() method's result, boxed, or a
      // Promise of it.
      const settle = (value: unknown): void => {
        if (value instanceof HandlerResult) settle(value.value);
        else if (isThenable(value)) value.then(settle, fail);
        else start(value);
      };
      const start = (value: unknown): void => {
        const source = toEventSource(value);
        if (writer.isClosed || cancelled) return closeEventSource(source);
        if (!source) {
          return fail(
            new TypeError(
              `@EventStream() route ${route.name} returned ${describe(value)}; expected an async generator, a generator, an AsyncIterable, an Iterable or an Observable (or a Promise of one)`,
            ),
          );
        }
        // HEAD asks for the headers only, and the source might never end.
        if (request.method === 'HEAD') {
          closeEventSource(source);
          return writer.end();
        }
        piped = pipeEventSource(source, writer, route.encode, route.settings.maxBufferedBytes);
        // The clock starts once the method has returned its source: guards and pipes
        // have run, so their errors are always HTTP errors.
        if (route.settings.commitAfter === 0) writer.commit();
        else commitTimer = setTimeout(() => writer.commit(), route.settings.commitAfter);
        // Once cancelled, the response belongs to whoever cancelled.
        piped.finished.then(
          // A source that ended before its first event, headers not out yet: nothing to stream.
          () => cancelled || (writer.isCommitted ? writer.end() : writer.endWithoutContent()),
          (error: unknown) => cancelled || fail(error),
        );
      };

      settle(returned);
      // Reached before the headers are out when an outer interceptor unsubscribes (e.g. a
      // timeout): the source stops and the response is left to what the outer chain answers.
      return () => {
        if (!nest) return;
        nest = undefined;
        cancelled = true;
        clearTimeout(commitTimer);
        piped?.cancel();
      };
    });
  }

  private route(context: ExecutionContext): StreamRoute {
    const handler = context.getHandler();
    let route = this.routes.get(handler);
    if (!route) {
      const options: EventStreamOptions = Reflect.getMetadata(EVENT_STREAM_METADATA, handler) ?? {};
      const settings = resolveStreamSettings(this.moduleOptions, options);
      route = {
        name: `${context.getClass().name}.${handler.name}`,
        status: Reflect.getMetadata(HTTP_CODE_METADATA, handler) ?? 200,
        settings,
        encode: createEventEncoder({
          event: options.event,
          encodeData: createClassTransformerEncoder({
            type: options.type,
            events: options.events,
            serialize: settings.serialize,
          }),
        }),
      };
      this.routes.set(handler, route);
    }
    return route;
  }
}

interface FastifyReply {
  raw: RawResponse;
  getHeaders(): Record<string, string | number | string[] | undefined>;
  hijack(): void;
}

function isFastifyReply(reply: object): reply is FastifyReply {
  return typeof (reply as Partial<FastifyReply>).hijack === 'function' && 'raw' in reply;
}

// Headers set through Fastify (`@Header()`, CORS, hooks) wait on the reply until Fastify
// sends it; the stream writes to the raw response, so they move there, and Fastify is
// told it no longer answers.
function handOver(reply: FastifyReply, response: RawResponse): void {
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) response.setHeader(name, Array.isArray(value) ? value : String(value));
  }
  reply.hijack();
}

/** Fastify wraps Node's request and response; Express extends them. */
function unwrap<T>(value: object): T {
  return ((value as { raw?: T }).raw ?? value) as T;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
