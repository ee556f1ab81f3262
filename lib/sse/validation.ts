/**
 * The one shape of every error about a bad option or field, wherever it is checked:
 * `Owner: "field" must …, got …`, so that a message names where the value was written,
 * what it must be and what was given.
 */
export function invalidValue(
  owner: string,
  field: string,
  requirement: string,
  value: unknown,
  Kind: new (message: string) => Error = TypeError,
): Error {
  return new Kind(`${owner}: "${field}" ${requirement}, got ${describeValue(value)}`);
}

export interface IntegerBounds {
  /** The smallest value allowed (default 0). */
  min?: number;
  /** What the number counts, shown in the message ("milliseconds", "bytes"). */
  unit?: string;
  /** The other value allowed, shown in the message (`false` for an option that can be off). */
  or?: string;
}

/** A safe integer of at least `min`: a RangeError for a number out of range, else a TypeError. */
export function assertInteger(
  owner: string,
  field: string,
  value: unknown,
  { min = 0, unit, or }: IntegerBounds = {},
): asserts value is number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return;
  const kind =
    min === 0
      ? 'a non-negative integer'
      : min === 1
        ? 'a positive integer'
        : `an integer >= ${min}`;
  const units = unit === undefined ? '' : ` (${unit})`;
  const alternative = or === undefined ? '' : ` or ${or}`;
  const Kind = typeof value === 'number' ? RangeError : TypeError;
  throw invalidValue(owner, field, `must be ${kind}${units}${alternative}`, value, Kind);
}

/** A value as an error message shows it: short, typed, never a whole long string. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value)
    ? 'an array'
    : `an object (${value.constructor?.name ?? 'null prototype'})`;
}
