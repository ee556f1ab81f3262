import { NOT_COVERED } from './plan-coverage.js';

/** Returned by `transformLeaf` for an object that a plan transforms key by key. */
export const KEYED_OBJECT = Symbol('an object transformed key by key');

/**
 * What class-transformer makes (in either direction, the same steps in the same order) of
 * a value that is not an array: the conversion of `@Type(() => String | Number | Boolean |
 * Date)`, a copy of a Date, a primitive as it is, or `KEYED_OBJECT`. Sets, Maps, Buffers
 * and promises are not covered.
 */
export function transformLeaf(value: unknown, type: unknown): unknown {
  if (value instanceof Set) throw NOT_COVERED;
  if (type === String || type === Number || type === Boolean)
    return value === null || value === undefined
      ? value
      : (type as (value: unknown) => unknown)(value);
  if (type === Date || value instanceof Date) {
    if (value instanceof Date) return new Date(value.valueOf());
    return value === null || value === undefined ? value : new Date(value as string);
  }
  if (type === Buffer || value instanceof Buffer) throw NOT_COVERED;
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { then?: unknown }).then === 'function' || value instanceof Map)
    throw NOT_COVERED;
  return KEYED_OBJECT;
}
