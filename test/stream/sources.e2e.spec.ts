import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Header, HttpCode, Post, Put } from '@nestjs/common';
import { Exclude, Expose, Transform } from 'class-transformer';
import { EventStream, ServerSentEvent } from 'nestjs-event-stream';
import { collectEvents } from 'nestjs-event-stream/testing';
import { EventSource } from 'eventsource';
import { from, of } from 'rxjs';
import { ADAPTERS, NEST, startApp, type TestApp } from '../support/app.js';
import { Deferred } from '../support/deferred.js';
import { fetchRaw } from '../support/http.js';

class UserDto {
  @Expose() name!: string;
  @Exclude() password?: string;
  @Expose({ groups: ['admin'] }) email?: string;
  @Transform(({ value }) => (value as string).toUpperCase()) @Expose() role!: string;

  constructor(init: Partial<UserDto>) {
    Object.assign(this, init);
  }
}

class TokenDto {
  @Expose() text!: string;
  @Exclude() logprob?: number;
}

class DoneDto {
  @Expose() reason!: string;
  @Exclude() internal?: string;
}

const headSourceClosed = { deferred: new Deferred<void>() };
const emptyRequests = { count: 0 };

const user = () =>
  new UserDto({ name: 'ada', password: 'secret', email: 'ada@example.com', role: 'admin' });

@Controller()
class SourcesController {
  @Get('async-generator')
  @EventStream()
  async *asyncGenerator() {
    yield 1;
    await Promise.resolve();
    yield 2;
  }

  @Get('generator')
  @EventStream()
  *generator() {
    yield 'a';
    yield 'b';
  }

  @Get('async-iterable')
  @EventStream()
  asyncIterable(): AsyncIterable<number> {
    let n = 0;
    return {
      [Symbol.asyncIterator]: () => ({
        next: async () => (n < 2 ? { value: ++n, done: false } : { value: undefined, done: true }),
      }),
    };
  }

  @Get('iterable')
  @EventStream()
  iterable() {
    return new Set([{ x: 1 }, { x: 2 }]);
  }

  @Get('observable')
  @EventStream()
  observable() {
    return of([1, 2], [3]);
  }

  @Get('promise/:kind')
  @EventStream()
  async promised() {
    await Promise.resolve();
    return from(['p']);
  }

  @Get('promise-generator')
  @EventStream()
  async promisedGenerator() {
    await Promise.resolve();
    return this.generator();
  }

  @Get('promise-array')
  @EventStream()
  async promisedArray() {
    await Promise.resolve();
    return ['x', 'y'];
  }

  @Get('dto')
  @EventStream(UserDto)
  *dto() {
    yield user();
  }

  @Get('dto-groups')
  @EventStream({ type: UserDto, serialize: { groups: ['admin'] } })
  *dtoGroups() {
    yield user();
  }

  @Get('plain-with-type')
  @EventStream(UserDto)
  *plainWithType() {
    yield { name: 'bob', password: 'hunter2', role: 'user' };
    yield [{ name: 'eve', password: 'x', role: 'spy' }];
  }

  @Get('events')
  @EventStream({ events: { token: TokenDto, done: DoneDto } })
  *events() {
    yield new ServerSentEvent({ event: 'token', data: { text: 'hi', logprob: -0.1 } });
    yield new ServerSentEvent({ event: 'done', data: { reason: 'stop', internal: 'gpu-7' } });
  }

  @Get('envelope')
  @EventStream()
  *envelope() {
    yield new ServerSentEvent({
      comment: 'note',
      event: 'update',
      id: 'a-1',
      retry: 3000,
      data: { ok: true },
    });
    yield new ServerSentEvent({ rawData: 'line one\nline two' });
    yield new ServerSentEvent({ data: 'quoted' });
    yield 'plain string';
    yield null;
    yield undefined;
    yield new ServerSentEvent({ rawData: '[DONE]' });
  }

  @Get('named')
  @EventStream({ event: 'tick' })
  *named() {
    yield { n: 1 };
    yield new ServerSentEvent({ data: 2, event: 'other' });
  }

  @Post('post')
  @EventStream()
  *post() {
    yield 'posted';
  }

  @Put('accepted')
  @HttpCode(202)
  @Header('X-Custom', 'kept')
  @EventStream()
  *accepted() {
    yield 'put';
  }

  @Get('closable')
  @EventStream()
  closable(): AsyncIterable<number> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ value: 1, done: false }),
        return: async () => {
          headSourceClosed.deferred.resolve();
          return { value: undefined, done: true };
        },
      }),
    };
  }

  @Get('empty')
  @EventStream()
  empty(): Iterable<never> {
    emptyRequests.count++;
    return [];
  }

  @Get('no-id')
  @EventStream()
  *noId() {
    yield { a: 1 };
    yield new ServerSentEvent({ data: 2 });
  }
}

describe.each(ADAPTERS)(`sources and serialisation (%s, ${NEST})`, (adapter) => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp({ controllers: [SourcesController] }, { adapter })));
  afterAll(() => t.app.close());

  const data = async (path: string, options = {}) =>
    (await collectEvents(t.url, path, options)).events.map((e) => e.data);

  it('streams an async generator', async () => {
    expect(await data('/async-generator')).toEqual(['1', '2']);
  });

  it('streams a sync generator', async () => {
    expect(await data('/generator')).toEqual(['"a"', '"b"']);
  });

  it('streams any AsyncIterable', async () => {
    expect(await data('/async-iterable')).toEqual(['1', '2']);
  });

  it('streams any Iterable, one event per item', async () => {
    expect(await data('/iterable')).toEqual(['{"x":1}', '{"x":2}']);
  });

  it('streams an Observable, an emitted array being one event', async () => {
    expect(await data('/observable')).toEqual(['[1,2]', '[3]']);
  });

  it.each([
    ['an Observable', '/promise/observable', ['"p"']],
    ['a generator', '/promise-generator', ['"a"', '"b"']],
    ['an array', '/promise-array', ['"x"', '"y"']],
  ])('streams a Promise of %s', async (_kind, path, expected) => {
    expect(await data(path)).toEqual(expected);
  });

  it('serialises a DTO with @Exclude, @Expose and @Transform', async () => {
    expect(await data('/dto')).toEqual(['{"name":"ada","role":"ADMIN"}']);
  });

  it('applies class-transformer groups from the serialize option', async () => {
    expect(await data('/dto-groups')).toEqual([
      '{"name":"ada","email":"ada@example.com","role":"ADMIN"}',
    ]);
  });

  it('turns plain objects (and arrays of them) into the route type first', async () => {
    expect(await data('/plain-with-type')).toEqual([
      '{"name":"bob","role":"USER"}',
      '[{"name":"eve","role":"SPY"}]',
    ]);
  });

  it('serialises each named event with its own DTO', async () => {
    const { events } = await collectEvents(t.url, '/events');
    expect(events).toEqual([
      { event: 'token', data: '{"text":"hi"}' },
      { event: 'done', data: '{"reason":"stop"}' },
    ]);
  });

  it('writes every envelope field, JSON-quotes strings, keeps rawData verbatim and turns null into a comment', async () => {
    const { body } = await fetchRaw(`${t.url}/envelope`);
    expect(body).toBe(
      [
        ':\n\n: note\nevent: update\nid: a-1\nretry: 3000\ndata: {"ok":true}\n\n',
        'data: line one\ndata: line two\n\n',
        'data: "quoted"\n\n',
        'data: "plain string"\n\n',
        ': ping\n\n',
        ': ping\n\n',
        'data: [DONE]\n\n',
      ].join(''),
    );
  });

  it('names plain yields with the route event, unless the ServerSentEvent names itself', async () => {
    const { events } = await collectEvents(t.url, '/named');
    expect(events).toEqual([
      { event: 'tick', data: '{"n":1}' },
      { event: 'other', data: '2' },
    ]);
  });

  it('invents no id', async () => {
    const { body } = await fetchRaw(`${t.url}/no-id`);
    expect(body).toBe(':\n\ndata: {"a":1}\n\ndata: 2\n\n');
  });

  it('answers 204 No Content when the source ends before its first event', async () => {
    const { status, headers, body } = await fetchRaw(`${t.url}/empty`);
    expect(status).toBe(204);
    expect(headers['content-type']).toBeUndefined();
    expect(body).toBe('');
  });

  it('stops an EventSource on an empty source: it does not reconnect', async () => {
    emptyRequests.count = 0;
    const source = new EventSource(`${t.url}/empty`);
    // A 204 makes EventSource fail for good: readyState CLOSED, no reconnection.
    await new Promise<void>((resolve) => (source.onerror = () => resolve()));
    expect(source.readyState).toBe(EventSource.CLOSED);
    source.close();
    expect(emptyRequests.count).toBe(1);
  });

  it('answers with the SSE headers and 200, on GET', async () => {
    const { status, headers } = await fetchRaw(`${t.url}/generator`);
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(headers['cache-control']).toBe('no-cache, no-transform');
    expect(headers['x-accel-buffering']).toBe('no');
    expect(headers.connection).toBe('keep-alive');
    expect(headers['content-length']).toBeUndefined();
  });

  it('sends no Connection: keep-alive to a client that asked to close, and closes after the stream', async () => {
    const { headers } = await fetchRaw(`${t.url}/generator`, { headers: { Connection: 'close' } });
    expect(headers.connection).toBe('close');
  });

  it('answers 200 on POST, not 201', async () => {
    const stream = await collectEvents(t.url, '/post', { method: 'POST' });
    expect(stream.status).toBe(200);
    expect(stream.events.map((e) => e.data)).toEqual(['"posted"']);
  });

  it('honours @HttpCode() and keeps @Header() headers', async () => {
    const stream = await collectEvents(t.url, '/accepted', { method: 'PUT' });
    expect(stream.status).toBe(202);
    expect(stream.headers['x-custom']).toBe('kept');
    expect(stream.events.map((e) => e.data)).toEqual(['"put"']);
  });

  it('answers HEAD without reading the source, and closes it', async () => {
    headSourceClosed.deferred = new Deferred<void>();
    const { status, body } = await fetchRaw(`${t.url}/closable`, { method: 'HEAD' });
    expect([status, body]).toEqual([200, '']);
    await headSourceClosed.deferred.promise;
  });

  it('answers HEAD with the headers only', async () => {
    const { status, headers, body } = await fetchRaw(`${t.url}/generator`, { method: 'HEAD' });
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(body).toBe('');
  });
});
