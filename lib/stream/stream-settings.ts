import type { ClassTransformOptions } from 'class-transformer';
import { assertRetry, assertSingleLine, describe } from '../sse/sse-fields.js';
import type {
  EventStreamModuleOptions,
  EventStreamOptions,
} from '../interfaces/event-stream-options.interface.js';

/** What one route streams with: its own options over the module's over the defaults. */
export interface StreamSettings {
  keepAlive: number | false;
  retry: number | undefined;
  commitAfter: number;
  maxBufferedBytes: number;
  serialize: ClassTransformOptions | undefined;
}

export const DEFAULT_STREAM_SETTINGS: StreamSettings = {
  keepAlive: 15_000,
  retry: undefined,
  commitAfter: 250,
  maxBufferedBytes: 4 * 1024 * 1024,
  serialize: undefined,
};

/** The one place where defaults, module options and route options are merged. */
export function resolveStreamSettings(
  module: EventStreamModuleOptions | undefined,
  route: EventStreamOptions,
): StreamSettings {
  const pick = <K extends 'keepAlive' | 'retry' | 'commitAfter'>(key: K): StreamSettings[K] =>
    (route[key] ?? module?.[key] ?? DEFAULT_STREAM_SETTINGS[key]) as StreamSettings[K];
  const serialize =
    module?.serialize || route.serialize ? { ...module?.serialize, ...route.serialize } : undefined;
  return {
    keepAlive: pick('keepAlive'),
    retry: pick('retry'),
    commitAfter: pick('commitAfter'),
    maxBufferedBytes: module?.maxBufferedBytes ?? DEFAULT_STREAM_SETTINGS.maxBufferedBytes,
    serialize,
  };
}

/** Checks options where they are written (decorator or forRoot), not on the first request. */
export function assertStreamOptions(
  owner: string,
  options: EventStreamOptions & EventStreamModuleOptions,
): void {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `${owner}: expected an options object or a class, got ${describe(options)}`,
    );
  }
  const { keepAlive, retry, commitAfter, maxBufferedBytes, event, type, events } = options;
  if (keepAlive !== undefined && keepAlive !== false)
    assertMilliseconds(owner, 'keepAlive', keepAlive, 1);
  if (commitAfter !== undefined) assertMilliseconds(owner, 'commitAfter', commitAfter, 0);
  if (maxBufferedBytes !== undefined)
    assertMilliseconds(owner, 'maxBufferedBytes', maxBufferedBytes, 1, 'bytes');
  if (retry !== undefined) assertRetry(owner, retry);
  if (event !== undefined) assertSingleLine(owner, 'event', event);
  if (type !== undefined && typeof type !== 'function') {
    throw new TypeError(`${owner}: "type" must be a class, got ${describe(type)}`);
  }
  for (const [name, dto] of Object.entries(events ?? {})) {
    assertSingleLine(owner, `events key`, name);
    if (typeof dto !== 'function')
      throw new TypeError(`${owner}: events.${name} must be a class, got ${describe(dto)}`);
  }
}

function assertMilliseconds(
  owner: string,
  field: string,
  value: unknown,
  min: number,
  unit = 'milliseconds',
): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    const expected = min === 0 ? 'a non-negative integer' : 'a positive integer';
    throw new RangeError(
      `${owner}: "${field}" must be ${expected} (${unit})${field === 'keepAlive' ? ' or false' : ''}, got ${describe(value)}`,
    );
  }
}
