import type { Type } from '@nestjs/common';
import { instanceToPlain, plainToInstance, type ClassTransformOptions } from 'class-transformer';
import { toJson, type DataEncoder } from '../sse/event-encoder.js';

export interface ClassTransformerEncoderOptions {
  type?: Type;
  events?: Record<string, Type>;
  serialize?: ClassTransformOptions;
}

/**
 * Serialises `data` as Nest's ClassSerializerInterceptor would: `instanceToPlain`
 * with the route's options. With a class for the value (the event's, else `type`),
 * plain objects are first made instances of it, so `@Exclude`/`@Expose` apply.
 */
export function createClassTransformerEncoder({ type, events, serialize }: ClassTransformerEncoderOptions): DataEncoder {
  return (value, event) => {
    if (value === null || typeof value !== 'object') return toJson(value, JSON.stringify(value));
    const dto = (event !== undefined && events?.[event]) || type;
    const instance = dto && isPlain(value) ? plainToInstance(dto, value, serialize) : value;
    return toJson(value, JSON.stringify(instanceToPlain(instance, serialize)));
  };
}

function isPlain(value: object): boolean {
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
