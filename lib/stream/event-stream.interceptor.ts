import {
  Inject,
  Injectable,
  Optional,
  type BeforeApplicationShutdown,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:net';
import { mergeMap, Observable } from 'rxjs';
import { EVENT_STREAM_MODULE_OPTIONS } from '../event-stream.constants.js';
import type { EventStreamModuleOptions } from '../interfaces/event-stream-options.interface.js';
import { platformOf } from '../platform/index.js';
import { EventStreamResponse } from './event-stream-response.js';
import { OpenStreams } from './open-streams.js';
import { compileStreamRoute, type StreamRoute } from './stream-route.js';

/**
 * Turns what an `@EventStream()` method returns into a `text/event-stream` response
 * written straight to the socket, or, for a value that is no stream, Nest's ordinary
 * answer. Only works behind `@EventStream()`, which boxes the method's result.
 */
@Injectable()
export class EventStreamInterceptor implements NestInterceptor, BeforeApplicationShutdown {
  private readonly routes = new WeakMap<object, StreamRoute>();
  private readonly openStreams = new OpenStreams();

  constructor(
    @Optional()
    @Inject(EVENT_STREAM_MODULE_OPTIONS)
    private readonly moduleOptions?: EventStreamModuleOptions,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const route = this.route(context);
    // The arguments, not switchToHttp(): that adds three closures to the context, which
    // the stream keeps for its `errorEvent`.
    const reply = context.getArgByIndex<object>(1);
    const platform = platformOf(reply);
    const request = platform.rawRequest(context.getArgByIndex<object>(0));
    // Before the method runs, so that a status it sets (`@Res({ passthrough: true })`) wins.
    platform.setStatus(reply, route.status);
    const response = new EventStreamResponse(
      route,
      context,
      platform,
      reply,
      request,
      this.openStreams,
    );
    return next
      .handle()
      .pipe(mergeMap((returned) => new Observable((nest) => response.run(returned, nest))));
  }

  /** `app.close()`: end every open stream (over `shutdownDrain`), so that the server can close. */
  beforeApplicationShutdown(): Promise<void> {
    const drain = this.moduleOptions?.shutdownDrain ?? 0;
    // Nest stops listening only after these hooks: during a drain, a proxy would keep
    // sending this instance the very clients it is sending away.
    if (drain > 0) stopListening(this.adapterHost?.httpAdapter?.getHttpServer());
    return this.openStreams.end(drain);
  }

  private route(context: ExecutionContext): StreamRoute {
    const handler = context.getHandler();
    let route = this.routes.get(handler);
    if (!route) {
      route = compileStreamRoute(context, this.moduleOptions);
      this.routes.set(handler, route);
    }
    return route;
  }
}

function stopListening(server: Server | undefined): void {
  if (server?.listening) server.close();
}
