import type { Type } from '@nestjs/common';
import {
  ERROR_DATA_SCHEMA,
  ERROR_EVENT,
  HISTORY_LOST_DATA_SCHEMA,
  HISTORY_LOST_EVENT,
} from './library-events.schema.js';

/** What a route says about its events (a subset of `EventStreamOptions`). */
export interface StreamEventsDocs {
  type?: Type;
  events?: Record<string, Type>;
  event?: string;
  /** Only whether the route replaces the error frame: its shape is the user's. */
  errorEvent?: unknown;
}

/** A `$ref` to a model's component. */
export type SchemaRef = (model: Type) => object;

/** `data` of a route that names no class: any JSON value (an empty schema allows all). */
const FREE_FORM_DATA = { description: 'Any JSON value, JSON-encoded on `data:` lines.' };

interface RouteEvent {
  /** `undefined`: the unnamed events a client's parser dispatches as "message". */
  event?: string;
  dto?: Type;
}

function routeEvents(docs: StreamEventsDocs): RouteEvent[] {
  const named = Object.entries(docs.events ?? {}).map(([event, dto]) => ({ event, dto }));
  return docs.type || named.length === 0
    ? [{ event: docs.event, dto: docs.type }, ...named]
    : named;
}

/**
 * The schema of what a generated client yields for each event: its `data`, parsed
 * (hey-api types a `text/event-stream` response as its `schema`). The route's DTO, or
 * a `oneOf` of the named events' DTOs, without a discriminator: the event name is not a
 * property of the data. The library's own events are not in it (see docs/openapi.md).
 */
export function eventDataSchema(docs: StreamEventsDocs, ref: SchemaRef): object {
  const dtos = [...new Set(routeEvents(docs).map(({ dto }) => dto))];
  const schemas = dtos.map((dto) => (dto ? ref(dto) : FREE_FORM_DATA));
  return schemas.length === 1 ? schemas[0] : { oneOf: schemas };
}

/**
 * The schema of each event as it arrives, which OpenAPI 3.2 calls the `itemSchema` of a
 * `text/event-stream`: the envelope, `data` as a JSON string (`contentSchema` its
 * value), one alternative per event name, the library's own events included.
 */
export function eventItemSchema(
  docs: StreamEventsDocs,
  ref: SchemaRef,
  envelope: object,
  options: { historyLost: boolean },
): object {
  const item = (event: string | undefined, data: object, description?: string) => ({
    ...(description ? { description } : {}),
    allOf: [
      envelope,
      {
        type: 'object',
        required: event === undefined ? ['data'] : ['event', 'data'],
        properties: {
          // A frame without `event:` is dispatched as "message".
          event: { type: 'string', enum: [event ?? 'message'] },
          data: { type: 'string', contentMediaType: 'application/json', contentSchema: data },
        },
      },
    ],
  });
  const items = routeEvents(docs).map(({ event, dto }) =>
    item(event, dto ? ref(dto) : FREE_FORM_DATA),
  );
  if (options.historyLost)
    items.push(
      item(
        HISTORY_LOST_EVENT,
        HISTORY_LOST_DATA_SCHEMA,
        'Sent first when the Last-Event-ID is older than the history: events were missed.',
      ),
    );
  items.push(
    docs.errorEvent === undefined
      ? item(
          ERROR_EVENT,
          ERROR_DATA_SCHEMA,
          'Ends a stream that fails after its first event (unless an errorEvent option replaces it).',
        )
      : {
          description: "The frame of the route's errorEvent, if any: ends a stream that fails.",
          allOf: [envelope],
        },
  );
  // anyOf: a custom error frame may carry any name, so the alternatives may overlap.
  return { anyOf: items };
}

/**
 * The events in a sentence of Markdown for the response's description: Swagger UI shows
 * the `schema` (the data) but no item schema.
 */
export function eventsSummary(docs: StreamEventsDocs, options: { historyLost: boolean }): string {
  const own = routeEvents(docs).map(
    ({ event, dto }) => `\`${event ?? 'message'}\` (data: ${dto?.name ?? 'any JSON value'})`,
  );
  const lost = options.historyLost
    ? [
        `\`${HISTORY_LOST_EVENT}\` first, if the Last-Event-ID is older than the history (data: \`{ lastEventId }\`)`,
      ]
    : [];
  const error =
    docs.errorEvent === undefined
      ? `\`${ERROR_EVENT}\` last, if the stream fails after its first event (data: \`{ statusCode, message }\`)`
      : "the route's errorEvent frame last, if the stream fails after its first event";
  return `Events: ${[...own, ...lost, error].join('; ')}.`;
}
