import type { ExecutionContext, Type } from '@nestjs/common';
import type { ServerSentEvent } from '../sse/server-sent-event.js';
import type { ClassTransformOptions } from 'class-transformer';
import type { EventHubOptions } from './event-hub-options.interface.js';

/** How every stream behaves: set per route (`@EventStream()`) or for all (`forRoot`). */
export interface EventStreamDefaults {
  /** Milliseconds of silence before a `: ping` comment; `false` disables. Default 15000. */
  keepAlive?: number | false;
  /**
   * Sent once, first, as `retry: N`: the client's reconnection delay in milliseconds.
   * `{ min, max }`: each stream draws its own value, uniformly, so that the clients of an
   * instance that went away do not all come back in the same millisecond.
   */
  retry?: number | RetryRange;
  /**
   * Milliseconds a response may stay unwritable (a client that stopped reading) before
   * it is cut and its source closed; `false` never cuts. Default 30000.
   */
  stallTimeout?: number | false;
  /**
   * Milliseconds after which the stream ends cleanly: the client reconnects with
   * Last-Event-ID, maybe to another instance. Default: none.
   */
  maxLifetime?: number;
  /** class-transformer options for `instanceToPlain`/`plainToInstance` (groups, strategy…). */
  serialize?: ClassTransformOptions;
  /**
   * Milliseconds a silent source may take before the headers go out anyway. Until
   * then an error is still an ordinary HTTP error. Default 250; 0 sends them at once.
   */
  commitAfter?: number;
  /**
   * The frame that ends a stream that fails after its first event, given the error, the
   * body Nest's base filter would render (already sanitised) and the request's context
   * (an MCP server answers with the JSON-RPC id of the request). Its data is sent as
   * JSON, as it is; `undefined` ends the stream without a frame. Default: `event: error`
   * with the body as data.
   */
  errorEvent?: (
    error: unknown,
    body: StreamErrorBody,
    context: ExecutionContext,
  ) => ServerSentEvent | undefined;
}

/** A range of reconnection delays, in milliseconds, each stream drawing its own. */
export interface RetryRange {
  min: number;
  max: number;
}

/** What Nest's base exception filter renders for an error, with nothing internal in it. */
export interface StreamErrorBody {
  statusCode: number;
  message: unknown;
  [field: string]: unknown;
}

/** What `@EventStream()` accepts: per-route options, or a DTO class as shorthand for `{ type }`. */
export interface EventStreamOptions extends EventStreamDefaults {
  /** The class of each event's `data`: used to serialise it and to document it. */
  type?: Type;
  /** Named events with their own `data` class (documented as a `oneOf`). */
  events?: Record<string, Type>;
  /** The event name given to plain yields. */
  event?: string;
  /** OpenAPI description of the stream. */
  description?: string;
}

/** Module-wide defaults and settings (`EventStreamModule.forRoot`). */
export interface EventStreamModuleOptions extends EventStreamDefaults {
  /**
   * Bound, in bytes, on an Observable's frames not yet sent; past it the client is
   * dropped. Default 4 MiB.
   */
  maxBufferedBytes?: number;
  /** The EventHub's store and settings. */
  hub?: EventHubOptions;
  /**
   * Milliseconds over which `app.close()` ends the open streams, spread evenly, so that
   * their clients come back (to the other instances) a few at a time, not all in one
   * instant. Each ends right after its next event once its turn has come (or 250 ms
   * after, with nothing to send), so that its client has missed nothing when it leaves.
   * Default 0: all at once.
   */
  shutdownDrain?: number;
}
