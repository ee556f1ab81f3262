import type { Type } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { withSwagger } from './load-swagger.js';
import { serverSentEventModel } from './server-sent-event.schema.js';

export interface EventStreamDocs {
  type?: Type;
  events?: Record<string, Type>;
  description?: string;
}

export const EVENT_STREAM_MEDIA_TYPE = 'text/event-stream';

// Where @nestjs/swagger keeps a route's responses (exported as DECORATORS.API_RESPONSE
// only from version 12 on; the key is the same in 11).
const API_RESPONSE_METADATA = 'swagger/apiResponse';

/** `data` of a route that names no class: any JSON value (an empty schema allows all). */
const FREE_FORM_DATA = { description: 'Any JSON value, JSON-encoded on `data:` lines.' };

/**
 * Documents the route's success response as a `text/event-stream` of event envelopes.
 * Applied after every decorator of the method has run, so that `@HttpCode()` and the
 * user's own `@ApiResponse()` count in either order; the user's response for the same
 * status wins.
 */
export function documentEventStream(docs: EventStreamDocs, method: object): void {
  withSwagger((swagger) => {
    const { ApiExtraModels, ApiResponse, getSchemaPath } = swagger;
    const status: number = Reflect.getMetadata(HTTP_CODE_METADATA, method) ?? 200;
    const declared = Reflect.getMetadata(API_RESPONSE_METADATA, method) as
      Record<string, unknown> | undefined;
    if (declared?.[status]) return;
    const envelope = serverSentEventModel(swagger);
    const models = [
      envelope,
      ...(docs.type ? [docs.type] : []),
      ...Object.values(docs.events ?? {}),
    ];
    const descriptor = { value: method };
    ApiExtraModels(...models)({}, '', descriptor);
    const envelopeRef = { $ref: getSchemaPath(envelope) };
    const withData = (data: object, event?: string) => ({
      allOf: [
        envelopeRef,
        {
          type: 'object',
          required: event === undefined ? ['data'] : ['event', 'data'],
          properties: {
            ...(event === undefined ? {} : { event: { type: 'string', enum: [event] } }),
            data,
          },
        },
      ],
    });
    const events = Object.entries(docs.events ?? {});
    const schema =
      events.length > 0
        ? {
            oneOf: events.map(([event, dto]) => withData({ $ref: getSchemaPath(dto) }, event)),
            discriminator: { propertyName: 'event' },
          }
        : withData(docs.type ? { $ref: getSchemaPath(docs.type) } : FREE_FORM_DATA);
    ApiResponse({
      status,
      description:
        docs.description ??
        'A stream of Server-Sent Events (text/event-stream), one envelope per event.',
      content: { [EVENT_STREAM_MEDIA_TYPE]: { schema } },
    })({}, '', descriptor);
  });
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
