import { Res, SetMetadata, UseInterceptors, type Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { EVENT_STREAM_METADATA } from '../event-stream.constants.js';
import type { EventStreamOptions } from '../interfaces/event-stream-options.interface.js';
import { EventStreamInterceptor } from '../stream/event-stream.interceptor.js';
import { HandlerResult } from '../stream/handler-result.js';
import { assertStreamOptions } from '../stream/stream-settings.js';
import { documentEventStream } from '../swagger/index.js';

type Handler = (...args: unknown[]) => unknown;

/**
 * Makes a route stream Server-Sent Events from what its method returns: an async
 * generator, a generator, an (Async)Iterable or an Observable, or a Promise of one.
 * Pass a DTO class as shorthand for `{ type }`.
 */
export function EventStream(optionsOrType: EventStreamOptions | Type = {}): MethodDecorator {
  const options: EventStreamOptions =
    typeof optionsOrType === 'function' ? { type: optionsOrType } : { ...optionsOrType };
  assertStreamOptions('@EventStream()', options);
  return (target, propertyKey, descriptor) => {
    const original = descriptor.value as unknown as Handler;
    if (typeof original !== 'function')
      throw new TypeError('@EventStream() decorates methods only');
    const responseIndex = firstFreeArgumentIndex(target, propertyKey, original);
    const handler: Handler = function (this: unknown, ...args: unknown[]) {
      return new HandlerResult(original.apply(this, args.slice(0, responseIndex)));
    };
    Object.defineProperty(handler, 'name', { value: original.name });
    // Decorators below this one put their metadata on the original method.
    for (const key of Reflect.getOwnMetadataKeys(original)) {
      Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, original), handler);
    }
    (descriptor as TypedPropertyDescriptor<unknown>).value = handler;
    // A response parameter that sits past the method's own parameters (and is cut off
    // above), `passthrough` so that Nest still answers what is not a stream (JSON, through
    // its interceptors); a stream takes the response over, and Nest's reply then does nothing.
    Res({ passthrough: true })(target, propertyKey, responseIndex);
    SetMetadata(EVENT_STREAM_METADATA, options)(target, propertyKey, descriptor);
    UseInterceptors(EventStreamInterceptor)(target, propertyKey, descriptor);
    documentEventStream(options, handler);
    return descriptor;
  };
}

function firstFreeArgumentIndex(
  target: object,
  propertyKey: string | symbol,
  method: Handler,
): number {
  const declared: unknown[] | undefined = Reflect.getMetadata(
    'design:paramtypes',
    target,
    propertyKey,
  );
  const routeArgs: Record<string, { index: number }> =
    Reflect.getMetadata(ROUTE_ARGS_METADATA, target.constructor, propertyKey) ?? {};
  return Math.max(
    declared?.length ?? method.length,
    ...Object.values(routeArgs).map(({ index }) => index + 1),
  );
}
