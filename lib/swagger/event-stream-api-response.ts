import type { Type } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { declaredMediaTypes, type DeclaredResponse } from './declared-response.js';
import { withSwagger } from './load-swagger.js';
import { serverSentEventModel } from './server-sent-event.schema.js';
import {
  eventDataSchema,
  eventItemSchema,
  eventsSummary,
  type StreamEventsDocs,
} from './stream-events.schema.js';

export interface EventStreamDocs extends StreamEventsDocs {
  description?: string;
}

export const EVENT_STREAM_MEDIA_TYPE = 'text/event-stream';

/**
 * Where the envelope of each event goes in a 3.0 or 3.1 document, which have no
 * `itemSchema`; `withEventStreamItemSchemas()` makes it the `itemSchema` of a 3.2 one.
 */
export const ITEM_SCHEMA_EXTENSION = 'x-itemSchema';

// Where @nestjs/swagger keeps a route's responses and its parameters (exported as
// DECORATORS only from version 12 on; the keys are the same in 11).
const API_RESPONSE_METADATA = 'swagger/apiResponse';
const API_PARAMETERS_METADATA = 'swagger/apiParameters';

const STREAM_DESCRIPTION = 'A stream of Server-Sent Events (text/event-stream).';
const JSON_OR_STREAM_DESCRIPTION = 'JSON, or a stream of Server-Sent Events (text/event-stream).';

/**
 * Documents the route's success response as `text/event-stream`: its `schema` is what a
 * generated client yields (each event's data), `x-itemSchema` each event's envelope.
 * A response the user declares for the same status keeps its JSON media types, with
 * the stream beside them (a route that answers JSON or SSE); one that documents
 * `text/event-stream` itself wins. Applied after every decorator of the method has run,
 * so that `@HttpCode()` and `@ApiResponse()` count in either order.
 */
export function documentEventStream(docs: EventStreamDocs, method: object): void {
  withSwagger((swagger) => {
    const { ApiExtraModels, getSchemaPath } = swagger;
    const status: number = Reflect.getMetadata(HTTP_CODE_METADATA, method) ?? 200;
    const responses: Record<string, DeclaredResponse> =
      Reflect.getMetadata(API_RESPONSE_METADATA, method) ?? {};
    const declared = responses[status];
    if (declared?.content?.[EVENT_STREAM_MEDIA_TYPE]) return;
    const envelope = serverSentEventModel(swagger);
    const dtos = [docs.type, ...Object.values(docs.events ?? {})].filter((dto) => !!dto);
    const descriptor = { value: method };
    ApiExtraModels(envelope, ...dtos)({}, '', descriptor);
    const ref = (model: Type) => ({ $ref: getSchemaPath(model) });
    const historyLost = { historyLost: documentsLastEventId(method) };
    const stream = {
      schema: eventDataSchema(docs, ref),
      [ITEM_SCHEMA_EXTENSION]: eventItemSchema(docs, ref, ref(envelope), historyLost),
    };
    const json = declared ? declaredMediaTypes(swagger, declared, method) : {};
    const description =
      declared?.description ||
      docs.description ||
      (Object.keys(json).length > 0 ? JSON_OR_STREAM_DESCRIPTION : STREAM_DESCRIPTION);
    Reflect.defineMetadata(
      API_RESPONSE_METADATA,
      {
        ...responses,
        [status]: {
          ...(declared?.headers && { headers: declared.headers }),
          ...(declared?.links && { links: declared.links }),
          description: `${description}\n\n${eventsSummary(docs, historyLost)}`,
          content: {
            ...json,
            [EVENT_STREAM_MEDIA_TYPE]: stream,
          },
        },
      },
      method,
    );
  });
}

/**
 * Whether the route documents a `Last-Event-ID` request header (`@LastEventId()` does,
 * and its documentation runs first): a route that resumes from it may send
 * `history-lost`, as `EventHub.subscribe()` does for an id older than the history.
 */
function documentsLastEventId(method: object): boolean {
  const parameters: Array<{ in?: string; name?: string }> =
    Reflect.getMetadata(API_PARAMETERS_METADATA, method) ?? [];
  return parameters.some((p) => p.in === 'header' && p.name?.toLowerCase() === 'last-event-id');
}

/**
 * Documents the optional `Last-Event-ID` request header on the method as it stands
 * once all its decorators ran (`@EventStream()` replaces it with a wrapper).
 */
export function documentLastEventId(target: object, propertyKey: string | symbol): void {
  withSwagger(({ ApiHeader }) => {
    const method: unknown = Object.getOwnPropertyDescriptor(target, propertyKey)?.value;
    if (typeof method !== 'function') return;
    ApiHeader({
      name: 'Last-Event-ID',
      required: false,
      schema: { type: 'string' },
      description: 'The id of the last event received: a reconnecting client resumes after it.',
    })({}, '', { value: method });
  });
}
