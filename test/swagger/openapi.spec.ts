import { describe, expect, it } from '@jest/globals';
import { Body, Controller, Get, HttpCode, Post, type Type } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiProperty,
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
} from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import {
  EventStream,
  LastEventId,
  ServerSentEvent,
  withEventStreamItemSchemas,
} from 'nestjs-event-stream';
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

@Controller()
class DocumentedController {
  @Get('ticks')
  @EventStream({ type: TickDto, description: 'Live prices.' })
  *ticks(@LastEventId() _last?: string) {
    yield new ServerSentEvent<TickDto>({ data: { symbol: 'A', price: 1 } });
  }

  @Post('chat')
  @EventStream({ events: { token: TokenDto, done: DoneDto } })
  *chat(@Body() _prompt: PromptDto) {
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

  @Get('overridden')
  @ApiOkResponse({ description: 'Mine.', schema: { type: 'string' } })
  @EventStream(TickDto)
  *overridden() {
    yield 1;
  }

  @Get('overridden-below')
  @EventStream(TickDto)
  @ApiOkResponse({ description: 'Mine too.', schema: { type: 'string' } })
  *overriddenBelow() {
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

const ref = (model: Type | string) => ({
  $ref: `#/components/schemas/${typeof model === 'string' ? model : model.name}`,
});
const envelope = ref('ServerSentEvent');
const withData = (data: object) => ({
  allOf: [envelope, { type: 'object', required: ['data'], properties: { data } }],
});
const DEFAULT_DESCRIPTION =
  'A stream of Server-Sent Events (text/event-stream), one envelope per event.';

describe('OpenAPI for event streams', () => {
  it('documents a typed stream: text/event-stream of envelopes whose data is the DTO', async () => {
    const doc = await document();
    expect(doc.paths['/ticks'].get!.responses).toEqual({
      200: {
        description: 'Live prices.',
        content: { 'text/event-stream': { schema: withData(ref(TickDto)) } },
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

  it('documents named events as a oneOf with a discriminator on event, on POST with 200', async () => {
    const doc = await document();
    const named = (event: string, dto: Type) => ({
      allOf: [
        envelope,
        {
          type: 'object',
          required: ['event', 'data'],
          properties: { event: { type: 'string', enum: [event] }, data: ref(dto) },
        },
      ],
    });
    expect(doc.paths['/chat'].post!.responses).toEqual({
      200: {
        description: DEFAULT_DESCRIPTION,
        content: {
          'text/event-stream': {
            schema: {
              oneOf: [named('token', TokenDto), named('done', DoneDto)],
              discriminator: { propertyName: 'event' },
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

  it('documents free-form data when the route names no type', async () => {
    const doc = await document();
    expect(doc.paths['/free'].get!.responses).toEqual({
      200: {
        description: DEFAULT_DESCRIPTION,
        content: {
          'text/event-stream': {
            schema: withData({ description: 'Any JSON value, JSON-encoded on `data:` lines.' }),
          },
        },
      },
    });
  });

  it('uses the @HttpCode() status, whichever side of @EventStream() it is on', async () => {
    const doc = await document();
    for (const path of ['/accepted', '/accepted-below']) {
      expect(Object.keys(doc.paths[path].post!.responses)).toEqual(['202']);
      expect(doc.paths[path].post!.responses[202]).toEqual({
        description: DEFAULT_DESCRIPTION,
        content: { 'text/event-stream': { schema: withData(ref(TickDto)) } },
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

  it("lets the user's own @ApiOkResponse() win, whichever side it is on", async () => {
    const doc = await document();
    expect(doc.paths['/overridden'].get!.responses).toEqual({
      200: {
        description: 'Mine.',
        content: { 'application/json': { schema: { type: 'string' } } },
      },
    });
    expect(doc.paths['/overridden-below'].get!.responses).toEqual({
      200: {
        description: 'Mine too.',
        content: { 'application/json': { schema: { type: 'string' } } },
      },
    });
  });

  it.each(['3.0.0', '3.1.0'])('the whole %s document validates', async (version) => {
    const doc = await document(version);
    expect(doc.openapi).toBe(version);
    expect(() => validateOpenApi(doc)).not.toThrow();
  });

  it('OpenAPI 3.2: withEventStreamItemSchemas() makes the envelope the schema of each item', async () => {
    const doc = withEventStreamItemSchemas(await document('3.2.0'));
    expect(doc.paths['/ticks'].get!.responses[200]).toEqual({
      description: 'Live prices.',
      content: { 'text/event-stream': { itemSchema: withData(ref(TickDto)) } },
    });
  });

  it('withEventStreamItemSchemas() leaves a 3.1 document as it is', async () => {
    const doc = await document('3.1.0');
    const before = structuredClone(doc);
    expect(withEventStreamItemSchemas(doc)).toEqual(before);
  });
});
