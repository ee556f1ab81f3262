import type { Type } from '@nestjs/common';
import { plainToInstance, type ClassTransformOptions } from 'class-transformer';
import { checkedJson, type DataEncoder } from '../sse/event-encoder.js';
import { compileInstanceToPlain } from './instance-to-plain-plan.js';

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
export function createClassTransformerEncoder({
  type,
  events,
  serialize,
}: ClassTransformerEncoderOptions): DataEncoder {
  // Without options, class-transformer copies a tree of plain objects, arrays, Dates and
  // primitives unchanged: such a tree is JSON-encoded as it is, at a fraction of the cost.
  const plainTreesAsTheyAre = !serialize || Object.keys(serialize).length === 0;
  const instanceToPlain = compileInstanceToPlain(serialize);
  return (value, event) => {
    if (value === null || typeof value !== 'object')
      return checkedJson(value, JSON.stringify(value));
    const dto = (event !== undefined && events?.[event]) || type;
    if (!dto && plainTreesAsTheyAre && isPlainTree(value, 0)) return JSON.stringify(value);
    const instance = dto && isPlain(value) ? plainToInstance(dto, value, serialize) : value;
    return checkedJson(value, JSON.stringify(instanceToPlain(instance)));
  };
}

const MAX_PLAIN_DEPTH = 16;

/** Only plain objects, arrays, Dates and primitives, not too deep (nor circular). */
function isPlainTree(value: object, depth: number): boolean {
  if (depth > MAX_PLAIN_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const item of value)
      if (item !== null && typeof item === 'object' && !isPlainTree(item, depth + 1)) return false;
    return true;
  }
  if (value instanceof Date) return true;
  if (!isPlain(value)) return false;
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== null && typeof item === 'object' && !isPlainTree(item, depth + 1)) return false;
    if (typeof item === 'function') return false;
  }
  return true;
}

function isPlain(value: object): boolean {
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
