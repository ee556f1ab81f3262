import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  Controller,
  Get,
  Injectable,
  NestInterceptor,
  Post,
  Query,
  UseGuards,
  UseInterceptors,
  UsePipes,
  type CanActivate,
  type PipeTransform,
} from '@nestjs/common';
import { EventStream, EventStreamSignal, LastEventId, ServerSentEvent } from 'nestjs-event-stream';
import { Observable, throwError } from 'rxjs';
import { ADAPTERS, NEST, startApp, type TestApp } from '../support/app.js';
import { Deferred } from '../support/deferred.js';
import { fetchRaw } from '../support/http.js';
import { rawRequest } from '../support/raw-request.js';
import { RecordingLogger } from '../support/recording-logger.js';

const SECRET = 'secret-token-4f9a';
const leak = () => new Error(`${SECRET} in a failing internal call`);
const probe = { ran: 0, threwAfterLeaving: new Deferred<void>() };

class LeakyGuard implements CanActivate {
  canActivate(): boolean {
    throw leak();
  }
}

class LeakyPipe implements PipeTransform {
  transform(): never {
    throw leak();
  }
}

@Injectable()
class LeakyInterceptor implements NestInterceptor {
  intercept(): Observable<never> {
    throw leak();
  }
}

@Controller()
class HostileController {
  @Get('echo-id')
  @EventStream()
  *echoId(@LastEventId() id?: string) {
    probe.ran++;
    yield new ServerSentEvent({ id, data: { id } });
  }

  @Get('before/sync')
  @EventStream()
  beforeSync(): never {
    throw leak();
  }

  @Get('before/async')
  @EventStream()
  async *beforeAsync() {
    await Promise.resolve();
    if (SECRET) throw leak();
    yield 1;
  }

  @Get('before/observable')
  @EventStream()
  beforeObservable() {
    return throwError(leak);
  }

  @Get('before/pipe')
  @UsePipes(LeakyPipe)
  @EventStream()
  *beforePipe(@Query('q') q: string) {
    yield q;
  }

  @Get('before/guard')
  @UseGuards(LeakyGuard)
  @EventStream()
  *beforeGuard() {
    yield 1;
  }

  @Get('before/interceptor')
  @UseInterceptors(LeakyInterceptor)
  @EventStream()
  *beforeInterceptor() {
    yield 1;
  }

  @Get('after/sync')
  @EventStream()
  *afterSync() {
    yield 1;
    if (SECRET) throw leak();
  }

  @Get('after/async')
  @EventStream()
  async *afterAsync() {
    yield 1;
    await Promise.resolve();
    throw leak();
  }

  @Get('after/observable')
  @EventStream()
  afterObservable() {
    return new Observable((subscriber) => {
      subscriber.next(1);
      setImmediate(() => subscriber.error(leak()));
    });
  }

  @Get('throws-after-client-left')
  @EventStream()
  async *throwsAfterClientLeft(@EventStreamSignal() signal: AbortSignal) {
    yield 1;
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
    setImmediate(() => probe.threwAfterLeaving.resolve());
    throw leak();
  }

  @Post('cors')
  @EventStream()
  *cors() {
    yield 'cross-origin';
  }
}

const INTERNAL = '{"statusCode":500,"message":"Internal server error"}';

describe.each(ADAPTERS)(`hostile requests (%s, ${NEST})`, (adapter) => {
  let t: TestApp;
  const logger = new RecordingLogger();
  beforeAll(
    async () =>
      (t = await startApp(
        { controllers: [HostileController], providers: [LeakyInterceptor] },
        {
          adapter,
          configure: (app) => (
            app.useLogger(logger),
            app.enableCors({ origin: 'http://app.example' })
          ),
        },
      )),
  );
  afterAll(() => t.app.close());
  beforeEach(() => {
    probe.ran = 0;
    logger.entries.splice(0);
  });

  describe('Last-Event-ID', () => {
    it('a 64 KiB header is refused by the server before the route runs (431)', async () => {
      const { status } = await fetchRaw(`${t.url}/echo-id`, {
        headers: { 'Last-Event-ID': 'x'.repeat(64 * 1024) },
      });
      expect(status).toBe(431);
      expect(probe.ran).toBe(0);
    });

    it.each([
      ['CR', 'a\rb'],
      ['LF', 'a\nb: injected'],
      ['NUL', 'a\0b'],
    ])(
      'one with %s is refused by the HTTP parser (400) and never reaches a frame',
      async (_name, value) => {
        const answer = await rawRequest(
          t.url,
          `GET /echo-id HTTP/1.1\r\nHost: x\r\nLast-Event-ID: ${value}\r\nConnection: close\r\n\r\n`,
        );
        expect(answer).toMatch(/^HTTP\/1\.1 400 /);
        expect(answer).not.toContain('injected');
        expect(probe.ran).toBe(0);
      },
    );

    it('one with bytes that are not UTF-8 is read as Latin-1, and sent back as a well-formed id', async () => {
      const request = Buffer.concat([
        Buffer.from('GET /echo-id HTTP/1.1\r\nHost: x\r\nConnection: close\r\nLast-Event-ID: '),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
        Buffer.from('\r\n\r\n'),
      ]);
      const answer = await rawRequest(t.url, request);
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      const body = Buffer.from(answer, 'latin1').toString('utf8');
      expect(body).toContain('id: \u00ff\u00fe\u00c3(\ndata: {"id":"\u00ff\u00fe\u00c3("}\n\n');
    });
  });

  describe('errors never reveal a stack or a non-HTTP message', () => {
    it.each(['sync', 'async', 'observable', 'pipe', 'guard', 'interceptor'])(
      'before the first event: %s',
      async (kind) => {
        const { status, body } = await fetchRaw(
          `${t.url}/before/${kind}${kind === 'pipe' ? '?q=1' : ''}`,
        );
        expect(status).toBe(500);
        expect(body).toBe(INTERNAL);
      },
    );

    it.each(['sync', 'async', 'observable'])('after the first event: %s', async (kind) => {
      const { status, body } = await fetchRaw(`${t.url}/after/${kind}`);
      expect(status).toBe(200);
      expect(body).toBe(`:\n\ndata: 1\n\nevent: error\ndata: ${INTERNAL}\n\n`);
      expect(logger.entries.filter((e) => e.level === 'error')).toHaveLength(1);
    });
  });

  it('a handler that throws after its client left neither logs a write error nor crashes', async () => {
    probe.threwAfterLeaving = new Deferred<void>();
    await fetchRaw(`${t.url}/throws-after-client-left`, {
      until: (body) => body.includes('data: 1'),
    });
    await probe.threwAfterLeaving.promise;
    expect((await fetchRaw(`${t.url}/echo-id`)).status).toBe(200);
    expect(logger.entries).toEqual([]);
  });

  it('CORS: a cross-origin POST stream works after its preflight', async () => {
    const preflight = await fetchRaw(`${t.url}/cors`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://app.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://app.example');
    const stream = await fetchRaw(`${t.url}/cors`, {
      method: 'POST',
      body: {},
      headers: { Origin: 'http://app.example' },
    });
    expect(stream.status).toBe(200);
    expect(stream.headers['access-control-allow-origin']).toBe('http://app.example');
    expect(stream.body).toBe(':\n\ndata: "cross-origin"\n\n');
  });
});
