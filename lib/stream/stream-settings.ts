import type { ClassTransformOptions } from 'class-transformer';
import type {
  EventStreamDefaults,
  EventStreamModuleOptions,
  EventStreamOptions,
} from '../interfaces/event-stream-options.interface.js';
import { defaultErrorEvent } from '../sse/error-event.js';
import { assertRetry, assertSingleLine } from '../sse/sse-fields.js';
import { assertInteger, describeValue, invalidValue } from '../sse/validation.js';

/** What one route streams with: its own options over the module's over the defaults. */
export interface StreamSettings {
  keepAlive: number | false;
  retry: number | undefined;
  commitAfter: number;
  maxBufferedBytes: number;
  serialize: ClassTransformOptions | undefined;
  errorEvent: NonNullable<EventStreamDefaults['errorEvent']>;
}

export const DEFAULT_STREAM_SETTINGS: StreamSettings = {
  keepAlive: 15_000,
  retry: undefined,
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
  const pick = <K extends 'keepAlive' | 'retry' | 'commitAfter' | 'errorEvent'>(
    key: K,
  ): StreamSettings[K] =>
    (route[key] ?? module?.[key] ?? DEFAULT_STREAM_SETTINGS[key]) as StreamSettings[K];
  const serialize =
    module?.serialize || route.serialize ? { ...module?.serialize, ...route.serialize } : undefined;
  return {
    keepAlive: pick('keepAlive'),
    retry: pick('retry'),
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
  if (keepAlive !== undefined && keepAlive !== false) {
    assertInteger(owner, 'keepAlive', keepAlive, { min: 1, unit: 'milliseconds', or: 'false' });
  }
  if (commitAfter !== undefined) {
    assertInteger(owner, 'commitAfter', commitAfter, { unit: 'milliseconds' });
  }
  if (maxBufferedBytes !== undefined) {
    assertInteger(owner, 'maxBufferedBytes', maxBufferedBytes, { min: 1, unit: 'bytes' });
  }
  if (retry !== undefined) assertRetry(owner, retry);
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

function assertClass(owner: string, field: string, value: unknown): void {
  if (typeof value !== 'function') throw invalidValue(owner, field, 'must be a class', value);
}
