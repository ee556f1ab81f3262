import { NOT_COVERED } from './plan-coverage.js';

/** Returned by `convertToBuiltIn` for a value it leaves to the plan's other steps. */
export const NOT_BUILT_IN = Symbol('not a built-in type');

/**
 * What class-transformer makes (in either direction) of a value that is not an array nor a
 * Set, for `@Type(() => String | Number | Boolean | Date)` or a Date value; Buffers are not
 * covered.
 */
export function convertToBuiltIn(value: unknown, type: unknown): unknown {
  if (type === String || type === Number || type === Boolean)
    return value === null || value === undefined
      ? value
      : (type as (value: unknown) => unknown)(value);
  if (type === Date || value instanceof Date) {
    if (value instanceof Date) return new Date(value.valueOf());
    return value === null || value === undefined ? value : new Date(value as string);
  }
  if (type === Buffer || value instanceof Buffer) throw NOT_COVERED;
  return NOT_BUILT_IN;
}
