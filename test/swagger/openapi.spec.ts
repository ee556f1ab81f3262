import { describe, expect, it } from '@jest/globals';
import { Body, Controller, Get, HttpCode, Post, type Type } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiProperty,
  ApiResponse,
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
} from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import {
  EventStream,
  HISTORY_LOST_EVENT,
  LastEventId,
  ServerSentEvent,
  withEventStreamItemSchemas,
  type EventStreamOptions,
} from 'nestjs-event-stream';
import {
  ERROR_EVENT,
  HISTORY_LOST_EVENT as DOCUMENTED_HISTORY_LOST_EVENT,
} from '../../lib/swagger/library-events.schema.js';
import { validateOpenApi } from '../support/validate-openapi.js';

class TickDto {
  @ApiProperty() symbol!: string;
  @ApiProperty() price!: number;
}

class TokenDto {
  @ApiProperty() text!: string;
}

class DoneDto {
  @ApiProperty() reason!: string;
}

class PromptDto {
  @ApiProperty() prompt!: string;
}

class CompletionDto {
  @ApiProperty() text!: string;
}

@Controller()
class DocumentedController {
  @Get('ticks')
  @EventStream({ type: TickDto, event: 'tick', description: 'Live prices.' })
  *ticks(@LastEventId() _last?: string) {
    yield new ServerSentEvent<TickDto>({ data: { symbol: 'A', price: 1 } });
  }

  @Post('chat')
  @EventStream({ events: { token: TokenDto, done: DoneDto } })
  *chat(@Body() _prompt: PromptDto) {
    yield 1;
  }

  @Get('same-dto')
  @EventStream({ type: TokenDto, events: { token: TokenDto, done: DoneDto } })
  *sameDto() {
    yield 1;
  }

  @Get('free')
  @EventStream()
  *free() {
    yield 1;
  }

  @Post('accepted')
  @HttpCode(202)
  @EventStream(TickDto)
  *accepted() {
    yield 1;
  }

  @Post('accepted-below')
  @EventStream(TickDto)
  @HttpCode(202)
  *acceptedBelow() {
    yield 1;
  }

  @Post('json-or-sse')
  @ApiOkResponse({ description: 'The completion, whole or streamed.', type: CompletionDto })
  @EventStream(TokenDto)
  *jsonOrSse() {
    yield 1;
  }

  @Post('json-or-sse-below')
  @EventStream(TokenDto)
  @ApiOkResponse({ type: [CompletionDto] })
  *jsonOrSseBelow() {
    yield 1;
  }

  @Get('declared-schema')
  @ApiOkResponse({ description: 'Mine.', schema: { type: 'string' } })
  @EventStream(TickDto)
  *declaredSchema() {
    yield 1;
  }

  @Get('declared-content')
  @ApiOkResponse({
    description: 'Mine too.',
    content: { 'application/json': { schema: { type: 'integer' } } },
    headers: { 'X-Mine': { schema: { type: 'string' } } },
  })
  @EventStream(TickDto)
  *declaredContent() {
    yield 1;
  }

  @Get('declared-stream')
  @ApiExtraModels(TickDto)
  @ApiResponse({
    status: 200,
    description: 'My own stream.',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @EventStream(TickDto)
  *declaredStream() {
    yield 1;
  }

  @Get('manual-header')
  @ApiHeader({ name: 'last-event-id', required: false })
  @EventStream(TickDto)
  *manualHeader() {
    yield 1;
  }

  @Get('own-error-frame')
  // errorEvent (issue 15): only whether it is set matters to the document.
  @EventStream({ type: TickDto, errorEvent: () => undefined } as EventStreamOptions)
  *ownErrorFrame() {
    yield 1;
  }
}

async function document(version?: string): Promise<OpenAPIObject> {
  const moduleRef = await Test.createTestingModule({
    controllers: [DocumentedController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  const builder = new DocumentBuilder().setTitle('streams').setVersion('1');
  if (version) builder.setOpenAPIVersion(version);
  const doc = SwaggerModule.createDocument(app, builder.build());
  await app.close();
  return doc;
}

/** The response of an operation for a status (the document's types allow a $ref there). */
type Response = { description: string; content: Record<string, Record<string, any>> };
const success = (doc: OpenAPIObject, path: string, method: 'get' | 'post' = 'get', status = 200) =>
  doc.paths[path][method]!.responses[status] as Response;

const ref = (model: Type | string) => ({
  $ref: `#/components/schemas/${typeof model === 'string' ? model : model.name}`,
});
const envelope = ref('ServerSentEvent');
const FREE_FORM = { description: 'Any JSON value, JSON-encoded on `data:` lines.' };

/** The envelope of an event named `event` ("message": unnamed) whose data is `data`. */
const item = (event: string, data: object, description?: string) => ({
  ...(description && { description }),
  allOf: [
    envelope,
    {
      type: 'object',
      required: event === 'message' ? ['data'] : ['event', 'data'],
      properties: {
        event: { type: 'string', enum: [event] },
        data: { type: 'string', contentMediaType: 'application/json', contentSchema: data },
      },
    },
  ],
});
const historyLostItem = item(
  'history-lost',
  {
    type: 'object',
    required: ['lastEventId'],
    properties: {
      lastEventId: { type: 'string', description: 'The Last-Event-ID the client sent.' },
    },
  },
  'Sent first when the Last-Event-ID is older than the history: events were missed.',
);
const errorItem = item(
  'error',
  {
    type: 'object',
    description:
      "The body Nest's base exception filter would send (no stack; a non-HTTP error is a generic 500).",
    required: ['statusCode', 'message'],
    properties: {
      statusCode: { type: 'integer' },
      message: { description: 'A string, or the list of messages of a validation error.' },
      error: { type: 'string' },
    },
  },
  'Ends a stream that fails after its first event (unless an errorEvent option replaces it).',
);
const ERROR_SUMMARY =
  '`error` last, if the stream fails after its first event (data: `{ statusCode, message }`).';
const HISTORY_LOST_SUMMARY =
  '`history-lost` first, if the Last-Event-ID is older than the history (data: `{ lastEventId }`)';
const DEFAULT_DESCRIPTION = 'A stream of Server-Sent Events (text/event-stream).';

/** The stream of a route with DTO `dto`, unnamed events, no Last-Event-ID. */
const plainStream = (dto: Type) => ({
  schema: ref(dto),
  'x-itemSchema': { anyOf: [item('message', ref(dto)), errorItem] },
});

describe('OpenAPI for event streams', () => {
  it("documents a typed stream: the schema is each event's data, the envelope its x-itemSchema", async () => {
    const doc = await document();
    expect(doc.paths['/ticks'].get!.responses).toEqual({
      200: {
        description: `Live prices.\n\nEvents: \`tick\` (data: TickDto); ${HISTORY_LOST_SUMMARY}; ${ERROR_SUMMARY}`,
        content: {
          'text/event-stream': {
            schema: ref(TickDto),
            'x-itemSchema': { anyOf: [item('tick', ref(TickDto)), historyLostItem, errorItem] },
          },
        },
      },
    });
    expect(doc.components!.schemas!.TickDto).toEqual({
      type: 'object',
      properties: { symbol: { type: 'string' }, price: { type: 'number' } },
      required: ['symbol', 'price'],
    });
  });

  it('registers the envelope once, as the component ServerSentEvent', async () => {
    const doc = await document();
    expect(doc.components!.schemas!.ServerSentEvent).toEqual({
      type: 'object',
      properties: {
        id: {
          type: 'string',
          description: 'The event id; a reconnecting client sends it back as Last-Event-ID.',
        },
        event: { type: 'string', description: 'The event name ("message" when absent).' },
        retry: { type: 'integer', minimum: 0, description: 'Reconnection delay in milliseconds.' },
      },
    });
  });

  it('documents named events as a oneOf of their DTOs (no discriminator: the name is not in the data), on POST with 200', async () => {
    const doc = await document();
    expect(doc.paths['/chat'].post!.responses).toEqual({
      200: {
        description: `${DEFAULT_DESCRIPTION}\n\nEvents: \`token\` (data: TokenDto); \`done\` (data: DoneDto); ${ERROR_SUMMARY}`,
        content: {
          'text/event-stream': {
            schema: { oneOf: [ref(TokenDto), ref(DoneDto)] },
            'x-itemSchema': {
              anyOf: [item('token', ref(TokenDto)), item('done', ref(DoneDto)), errorItem],
            },
          },
        },
      },
    });
    expect(doc.paths['/chat'].post!.requestBody).toEqual({
      required: true,
      content: { 'application/json': { schema: ref(PromptDto) } },
    });
  });

  it('names each DTO once in the oneOf, with the plain events of `type` first', async () => {
    const doc = await document();
    const stream = success(doc, '/same-dto').content['text/event-stream'];
    expect(stream.schema).toEqual({ oneOf: [ref(TokenDto), ref(DoneDto)] });
    expect(stream['x-itemSchema'].anyOf).toEqual([
      item('message', ref(TokenDto)),
      item('token', ref(TokenDto)),
      item('done', ref(DoneDto)),
      errorItem,
    ]);
  });

  it('documents free-form data when the route names no type', async () => {
    const doc = await document();
    expect(doc.paths['/free'].get!.responses).toEqual({
      200: {
        description: `${DEFAULT_DESCRIPTION}\n\nEvents: \`message\` (data: any JSON value); ${ERROR_SUMMARY}`,
        content: {
          'text/event-stream': {
            schema: FREE_FORM,
            'x-itemSchema': { anyOf: [item('message', FREE_FORM), errorItem] },
          },
        },
      },
    });
  });

  it('uses the @HttpCode() status, whichever side of @EventStream() it is on', async () => {
    const doc = await document();
    for (const path of ['/accepted', '/accepted-below']) {
      expect(Object.keys(doc.paths[path].post!.responses)).toEqual(['202']);
      expect(success(doc, path, 'post', 202).content).toEqual({
        'text/event-stream': plainStream(TickDto),
      });
    }
  });

  it('documents the optional Last-Event-ID header of @LastEventId()', async () => {
    const doc = await document();
    expect(doc.paths['/ticks'].get!.parameters).toEqual([
      {
        name: 'Last-Event-ID',
        in: 'header',
        required: false,
        schema: { type: 'string' },
        description: 'The id of the last event received: a reconnecting client resumes after it.',
      },
    ]);
    expect(doc.paths['/free'].get!.parameters).toEqual([]);
  });

  it('documents history-lost on a route that documents a Last-Event-ID header, its own @ApiHeader() too', async () => {
    const doc = await document();
    const items = (path: string) =>
      success(doc, path).content['text/event-stream']['x-itemSchema'].anyOf;
    expect(items('/ticks')).toContainEqual(historyLostItem);
    expect(items('/manual-header')).toContainEqual(historyLostItem);
    expect(items('/free')).not.toContainEqual(historyLostItem);
  });

  it("documents a route's own errorEvent frame as free-form", async () => {
    const doc = await document();
    const response = success(doc, '/own-error-frame');
    expect(response.content['text/event-stream']['x-itemSchema'].anyOf).toEqual([
      item('message', ref(TickDto)),
      {
        description: "The frame of the route's errorEvent, if any: ends a stream that fails.",
        allOf: [envelope],
      },
    ]);
    expect(response.description).toBe(
      `${DEFAULT_DESCRIPTION}\n\nEvents: \`message\` (data: TickDto); the route's errorEvent frame last, if the stream fails after its first event.`,
    );
  });

  it('documents a declared JSON response beside the stream: one response, two media types, whichever side it is on', async () => {
    const doc = await document();
    expect(doc.paths['/json-or-sse'].post!.responses).toEqual({
      200: {
        description: `The completion, whole or streamed.\n\nEvents: \`message\` (data: TokenDto); ${ERROR_SUMMARY}`,
        content: {
          'application/json': { schema: ref(CompletionDto) },
          'text/event-stream': plainStream(TokenDto),
        },
      },
    });
    expect(success(doc, '/json-or-sse-below', 'post').description).toBe(
      `JSON, or a stream of Server-Sent Events (text/event-stream).\n\nEvents: \`message\` (data: TokenDto); ${ERROR_SUMMARY}`,
    );
    expect(success(doc, '/json-or-sse-below', 'post').content).toEqual({
      'application/json': { schema: { type: 'array', items: ref(CompletionDto) } },
      'text/event-stream': plainStream(TokenDto),
    });
    expect(doc.components!.schemas!.CompletionDto).toBeDefined();
  });

  it("keeps a declared response's schema, content and headers, with the stream beside them", async () => {
    const doc = await document();
    expect(success(doc, '/declared-schema')).toEqual({
      description: `Mine.\n\nEvents: \`message\` (data: TickDto); ${ERROR_SUMMARY}`,
      content: {
        'application/json': { schema: { type: 'string' } },
        'text/event-stream': plainStream(TickDto),
      },
    });
    expect(success(doc, '/declared-content')).toEqual({
      description: `Mine too.\n\nEvents: \`message\` (data: TickDto); ${ERROR_SUMMARY}`,
      headers: { 'X-Mine': { schema: { type: 'string' } } },
      content: {
        'application/json': { schema: { type: 'integer' } },
        'text/event-stream': plainStream(TickDto),
      },
    });
  });

  it('lets a declared response that documents text/event-stream itself win', async () => {
    const doc = await document();
    expect(doc.paths['/declared-stream'].get!.responses).toEqual({
      200: {
        description: 'My own stream.',
        content: { 'text/event-stream': { schema: { type: 'string' } } },
      },
    });
  });

  it("names the library's own events as the stream and the hub send them", () => {
    expect(DOCUMENTED_HISTORY_LOST_EVENT).toBe(HISTORY_LOST_EVENT);
    // The error frame's name is asserted on the wire by the stream's e2e tests.
    expect(ERROR_EVENT).toBe('error');
  });

  it.each(['3.0.0', '3.1.0'])('the whole %s document validates', async (version) => {
    const doc = await document(version);
    expect(doc.openapi).toBe(version);
    expect(() => validateOpenApi(doc)).not.toThrow();
  });

  it('OpenAPI 3.2: withEventStreamItemSchemas() turns x-itemSchema into itemSchema, keeps the schema, and the document validates', async () => {
    const doc = withEventStreamItemSchemas(await document('3.2.0'));
    expect(success(doc, '/ticks').content).toEqual({
      'text/event-stream': {
        schema: ref(TickDto),
        itemSchema: { anyOf: [item('tick', ref(TickDto)), historyLostItem, errorItem] },
      },
    });
    expect(success(doc, '/declared-stream').content).toEqual({
      'text/event-stream': { schema: { type: 'string' } },
    });
    expect(() => validateOpenApi(doc)).not.toThrow();
  });

  it('the 3.2 validator rejects what the 3.2 schema forbids', async () => {
    const doc = withEventStreamItemSchemas(await document('3.2.0'));
    success(doc, '/ticks').content['text/event-stream'].itemSchema = {
      type: 'stream',
    };
    expect(() => validateOpenApi(doc)).toThrow(/itemSchema/);
  });

  it('withEventStreamItemSchemas() leaves a 3.1 document as it is', async () => {
    const doc = await document('3.1.0');
    const before = structuredClone(doc);
    expect(withEventStreamItemSchemas(doc)).toEqual(before);
  });
});
