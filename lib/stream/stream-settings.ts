import type { ClassTransformOptions } from 'class-transformer';
import type {
  EventStreamDefaults,
  EventStreamModuleOptions,
  EventStreamOptions,
  RetryRange,
} from '../interfaces/event-stream-options.interface.js';
import { defaultErrorEvent } from '../sse/error-event.js';
import { assertRetry, assertSingleLine } from '../sse/sse-fields.js';
import { assertInteger, describeValue, invalidValue } from '../sse/validation.js';

/** What one route streams with: its own options over the module's over the defaults. */
export interface StreamSettings {
  keepAlive: number | false;
  retry: number | RetryRange | undefined;
  stallTimeout: number | false;
  maxLifetime: number | undefined;
  commitAfter: number;
  maxBufferedBytes: number;
  serialize: ClassTransformOptions | undefined;
  errorEvent: NonNullable<EventStreamDefaults['errorEvent']>;
}

export const DEFAULT_STREAM_SETTINGS: StreamSettings = {
  keepAlive: 15_000,
  retry: undefined,
  stallTimeout: 30_000,
  maxLifetime: undefined,
  commitAfter: 250,
  maxBufferedBytes: 4 * 1024 * 1024,
  serialize: undefined,
  errorEvent: (_error, body) => defaultErrorEvent(body),
};

/** The one place where defaults, module options and route options are merged. */
export function resolveStreamSettings(
  module: EventStreamModuleOptions | undefined,
  route: EventStreamOptions,
): StreamSettings {
  const pick = <
    K extends 'keepAlive' | 'retry' | 'commitAfter' | 'errorEvent' | 'stallTimeout' | 'maxLifetime',
  >(
    key: K,
  ): StreamSettings[K] =>
    (route[key] ?? module?.[key] ?? DEFAULT_STREAM_SETTINGS[key]) as StreamSettings[K];
  const serialize =
    module?.serialize || route.serialize ? { ...module?.serialize, ...route.serialize } : undefined;
  return {
    keepAlive: pick('keepAlive'),
    retry: pick('retry'),
    stallTimeout: pick('stallTimeout'),
    maxLifetime: pick('maxLifetime'),
    commitAfter: pick('commitAfter'),
    errorEvent: pick('errorEvent'),
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
      `${owner}: expected an options object or a class, got ${describeValue(options)}`,
    );
  }
  const { keepAlive, retry, commitAfter, maxBufferedBytes, event, type, events, errorEvent } =
    options;
  const { stallTimeout, maxLifetime, shutdownDrain } = options;
  if (shutdownDrain !== undefined) {
    assertInteger(owner, 'shutdownDrain', shutdownDrain, { unit: 'milliseconds' });
  }
  if (stallTimeout !== undefined && stallTimeout !== false) {
    assertInteger(owner, 'stallTimeout', stallTimeout, {
      min: 1,
      unit: 'milliseconds',
      or: 'false',
    });
  }
  if (maxLifetime !== undefined) {
    assertInteger(owner, 'maxLifetime', maxLifetime, { min: 1, unit: 'milliseconds' });
  }
  if (keepAlive !== undefined && keepAlive !== false) {
    assertInteger(owner, 'keepAlive', keepAlive, { min: 1, unit: 'milliseconds', or: 'false' });
  }
  if (commitAfter !== undefined) {
    assertInteger(owner, 'commitAfter', commitAfter, { unit: 'milliseconds' });
  }
  if (maxBufferedBytes !== undefined) {
    assertInteger(owner, 'maxBufferedBytes', maxBufferedBytes, { min: 1, unit: 'bytes' });
  }
  if (typeof retry === 'object' && retry !== null) assertRetryRange(owner, retry);
  else if (retry !== undefined) assertRetry(owner, retry);
  if (event !== undefined) assertSingleLine(owner, 'event', event);
  if (type !== undefined) assertClass(owner, 'type', type);
  if (errorEvent !== undefined && typeof errorEvent !== 'function') {
    throw invalidValue(owner, 'errorEvent', 'must be a function', errorEvent);
  }
  for (const [name, dto] of Object.entries(events ?? {})) {
    assertSingleLine(owner, 'events key', name);
    assertClass(owner, `events.${name}`, dto);
  }
}

function assertRetryRange(owner: string, range: RetryRange): void {
  assertInteger(owner, 'retry.min', range.min, { unit: 'milliseconds' });
  assertInteger(owner, 'retry.max', range.max, { unit: 'milliseconds' });
  if (range.max < range.min) {
    throw invalidValue(
      owner,
      'retry.max',
      `must be at least retry.min (${range.min})`,
      range.max,
      RangeError,
    );
  }
}

/** The reconnection delay of one stream: the route's, or one drawn from its range. */
export function drawRetry(retry: StreamSettings['retry']): number | undefined {
  if (typeof retry !== 'object') return retry;
  return retry.min + Math.floor(Math.random() * (retry.max - retry.min + 1));
}

function assertClass(owner: string, field: string, value: unknown): void {
  if (typeof value !== 'function') throw invalidValue(owner, field, 'must be a class', value);
}
