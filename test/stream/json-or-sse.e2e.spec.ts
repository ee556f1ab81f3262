import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  Body,
  ClassSerializerInterceptor,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Post,
  Query,
  Res,
  type ExecutionContext,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Exclude, Expose } from 'class-transformer';
import { EventStream, EventStreamModule, ServerSentEvent } from 'nestjs-event-stream';
import { collectEvents } from 'nestjs-event-stream/testing';
import { ADAPTERS, NEST, startApp, type TestApp } from '../support/app.js';
import { fetchRaw } from '../support/http.js';

class AnswerDto {
  @Expose() text!: string;
  @Exclude() secret?: string;

  constructor(init: Partial<AnswerDto>) {
    Object.assign(this, init);
  }
}

interface StatusSetter {
  status(code: number): unknown;
  header?(name: string, value: string): unknown;
  setHeader?(name: string, value: string): unknown;
}

function setHeader(res: StatusSetter, name: string, value: string): void {
  if (res.header) res.header(name, value);
  else res.setHeader!(name, value);
}

async function* tokens(): AsyncGenerator<string> {
  yield 'Hel';
  yield 'lo';
}

async function* failsAfterFirst(): AsyncGenerator<string> {
  yield 'partial';
  throw new Error('model crashed: key sk-secret');
}

@Controller()
class JsonOrSseController {
  @Post('completions')
  @EventStream()
  completions(@Body() body: { stream?: boolean }) {
    return body.stream ? tokens() : new AnswerDto({ text: 'Hello', secret: 'x' });
  }

  @Post('created')
  @HttpCode(201)
  @EventStream()
  created(@Query('stream') stream?: string) {
    return stream ? tokens() : { ok: true };
  }

  @Post('notify')
  @EventStream()
  notify(@Res({ passthrough: true }) res: StatusSetter, @Body() body: { method?: string }) {
    if (body.method?.startsWith('notifications/')) {
      res.status(202);
      return undefined;
    }
    setHeader(res, 'Mcp-Session-Id', 'session-1');
    return tokens();
  }

  @Get('missing')
  @EventStream()
  missing() {
    throw new NotFoundException('no such chat');
  }

  @Post('ai-sdk')
  @EventStream({
    errorEvent: (_error, body) =>
      new ServerSentEvent({ data: { type: 'error', errorText: String(body.message) } }),
  })
  aiSdk() {
    return failsAfterFirst();
  }

  @Post('json-rpc')
  @EventStream({
    errorEvent: (_error, body, context: ExecutionContext) =>
      new ServerSentEvent({
        data: {
          jsonrpc: '2.0',
          id: context.switchToHttp().getRequest<{ body: { id: number } }>().body.id,
          error: { code: -32603, message: body.message },
        },
      }),
  })
  jsonRpc() {
    return failsAfterFirst();
  }

  @Get('silent-error')
  @EventStream({ errorEvent: () => undefined })
  silentError() {
    return failsAfterFirst();
  }

  @Get('module-default')
  @EventStream()
  moduleDefault() {
    return failsAfterFirst();
  }

  @Get('bad-error-event')
  @EventStream({ errorEvent: () => ({ data: 'not an event' }) as never })
  badErrorEvent() {
    return failsAfterFirst();
  }
}

describe.each(ADAPTERS)(`JSON or SSE per request (%s, ${NEST})`, (adapter) => {
  let t: TestApp;
  beforeAll(
    async () =>
      (t = await startApp(
        {
          imports: [
            EventStreamModule.forRoot({
              errorEvent: (_error, body) =>
                new ServerSentEvent({ event: 'failure', data: { reason: body.message } }),
            }),
          ],
          controllers: [JsonOrSseController],
          providers: [{ provide: APP_INTERCEPTOR, useClass: ClassSerializerInterceptor }],
        },
        { adapter },
      )),
  );
  afterAll(() => t.app.close());

  it('answers a non-stream value with JSON through Nest (ClassSerializerInterceptor), 200 on POST', async () => {
    const response = await fetchRaw(`${t.url}/completions`, { method: 'POST', body: {} });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(response.body)).toEqual({ text: 'Hello' });
  });

  it('streams from the same route when the method returns a source', async () => {
    const stream = await collectEvents(t.url, '/completions', {
      method: 'POST',
      body: { stream: true },
    });
    expect(stream.status).toBe(200);
    expect(stream.events.map((e) => e.data)).toEqual(['"Hel"', '"lo"']);
  });

  it('gives the JSON answer the status the stream would have had: @HttpCode()', async () => {
    const json = await fetchRaw(`${t.url}/created`, { method: 'POST' });
    expect(json.status).toBe(201);
    expect(JSON.parse(json.body)).toEqual({ ok: true });
    const stream = await fetchRaw(`${t.url}/created?stream=1`, { method: 'POST' });
    expect(stream.status).toBe(201);
    expect(stream.body).toBe(':\n\ndata: "Hel"\n\ndata: "lo"\n\n');
  });

  it('lets a passthrough response set the status of a JSON answer (MCP: 202, no body)', async () => {
    const response = await fetchRaw(`${t.url}/notify`, {
      method: 'POST',
      body: { method: 'notifications/initialized' },
    });
    expect(response.status).toBe(202);
    expect(response.body).toBe('');
  });

  it('streams through a route that takes @Res({ passthrough: true }), then serves the next request', async () => {
    const first = await fetchRaw(`${t.url}/notify`, {
      method: 'POST',
      body: { method: 'tools/call' },
    });
    expect(first.status).toBe(200);
    expect(first.headers['mcp-session-id']).toBe('session-1');
    expect(first.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(first.body).toBe(':\n\ndata: "Hel"\n\ndata: "lo"\n\n');
    const second = await fetchRaw(`${t.url}/completions`, { method: 'POST', body: {} });
    expect(JSON.parse(second.body)).toEqual({ text: 'Hello' });
  });

  it('still answers an exception thrown before returning as an ordinary HTTP error', async () => {
    const response = await fetchRaw(`${t.url}/missing`);
    expect(response.status).toBe(404);
    expect(JSON.parse(response.body)).toMatchObject({ statusCode: 404, message: 'no such chat' });
  });

  it('ends a failed stream with the route errorEvent frame (AI SDK error chunk)', async () => {
    const { body } = await fetchRaw(`${t.url}/ai-sdk`, { method: 'POST' });
    expect(body).toBe(
      ':\n\ndata: "partial"\n\ndata: {"type":"error","errorText":"Internal server error"}\n\n',
    );
  });

  it('gives errorEvent the request context (a JSON-RPC id from the body)', async () => {
    const { body } = await fetchRaw(`${t.url}/json-rpc`, { method: 'POST', body: { id: 7 } });
    expect(body).toBe(
      ':\n\ndata: "partial"\n\ndata: {"jsonrpc":"2.0","id":7,"error":{"code":-32603,"message":"Internal server error"}}\n\n',
    );
  });

  it('ends without a frame when errorEvent returns undefined', async () => {
    const { body } = await fetchRaw(`${t.url}/silent-error`);
    expect(body).toBe(':\n\ndata: "partial"\n\n');
  });

  it('takes the forRoot errorEvent as the default', async () => {
    const { body } = await fetchRaw(`${t.url}/module-default`);
    expect(body).toBe(
      ':\n\ndata: "partial"\n\nevent: failure\ndata: {"reason":"Internal server error"}\n\n',
    );
  });

  it('ends without a frame, and keeps serving, when errorEvent returns something else', async () => {
    const { body } = await fetchRaw(`${t.url}/bad-error-event`);
    expect(body).toBe(':\n\ndata: "partial"\n\n');
    expect((await fetchRaw(`${t.url}/silent-error`)).body).toBe(':\n\ndata: "partial"\n\n');
  });
});

describe('errorEvent validation', () => {
  it('refuses an errorEvent that is not a function, where it is written', () => {
    expect(() => EventStream({ errorEvent: 'error' as never })).toThrow(
      '@EventStream(): "errorEvent" must be a function, got "error"',
    );
  });
});
