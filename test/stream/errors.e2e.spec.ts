import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  Body,
  Catch,
  ConflictException,
  Controller,
  ForbiddenException,
  Get,
  NotFoundException,
  ParseIntPipe,
  Post,
  Query,
  UseFilters,
  UseGuards,
  ValidationPipe,
  type ArgumentsHost,
  type CanActivate,
  type ExceptionFilter,
} from '@nestjs/common';
import { IsString, MinLength } from 'class-validator';
import { EventStream, ServerSentEvent } from 'nestjs-event-stream';
import { collectEvents } from 'nestjs-event-stream/testing';
import { Observable, throwError } from 'rxjs';
import { ADAPTERS, NEST, startApp, type TestApp } from '../support/app.js';
import { fetchRaw } from '../support/http.js';
import { RecordingLogger } from '../support/recording-logger.js';

class DenyGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

class PromptDto {
  @IsString()
  @MinLength(2)
  prompt!: string;
}

@Catch(NotFoundException)
class TeapotFilter implements ExceptionFilter {
  catch(_error: NotFoundException, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse();
    const status = 418;
    const body = { brewed: true };
    // Express and Fastify both: status then send.
    if (typeof response.code === 'function') response.code(status).send(body);
    else response.status(status).json(body);
  }
}

@Controller()
class ErrorsController {
  @Get('not-found')
  @EventStream()
  async *notFound(@Query('id') id?: string) {
    const item = id === 'known' ? { id } : undefined;
    if (!item) throw new NotFoundException('no such item');
    yield item;
  }

  @Get('after-await')
  @EventStream()
  async *afterAwait(@Query('role') role?: string) {
    await new Promise((resolve) => setImmediate(resolve));
    if (role !== 'admin') throw new ForbiddenException();
    yield role;
  }

  @Get('guarded')
  @UseGuards(DenyGuard)
  @EventStream()
  *guarded() {
    yield 1;
  }

  @Get('pipe')
  @EventStream()
  *pipe(@Query('n', ParseIntPipe) n: number) {
    yield n;
  }

  @Post('validated')
  @EventStream()
  async *validated(@Body(new ValidationPipe()) body: PromptDto) {
    yield new ServerSentEvent({ event: 'echo', data: body.prompt });
  }

  @Get('throws-sync')
  @EventStream()
  throwsSync(): Observable<number> {
    throw new ConflictException('not now');
  }

  @Get('observable-error')
  @EventStream()
  observableError() {
    return throwError(() => new NotFoundException());
  }

  @Get('filtered')
  @UseFilters(TeapotFilter)
  @EventStream()
  async *filtered(@Query('id') id?: string) {
    if (id === undefined) throw new NotFoundException();
    yield id;
  }

  @Get('fails-later')
  @EventStream()
  async *failsLater() {
    yield 1;
    yield 2;
    throw new Error('connection string postgres://admin:hunter2@db');
  }

  @Get('http-error-later')
  @EventStream()
  async *httpErrorLater() {
    yield 1;
    throw new ConflictException('version moved on');
  }

  @Get('observable-fails-later')
  @EventStream()
  observableFailsLater() {
    return new Observable((subscriber) => {
      subscriber.next('first');
      setImmediate(() => subscriber.error(new TypeError('secret internals')));
    });
  }

  @Get('unencodable-later')
  @EventStream()
  *unencodableLater() {
    yield 1;
    yield 10n;
  }

  @Get('not-a-stream')
  @EventStream()
  notAStream() {
    return 42;
  }

  @Get('string-is-not-a-stream')
  @EventStream()
  async stringIsNotAStream() {
    return 'text';
  }

  @Get('ok')
  @EventStream()
  *ok() {
    yield 'still serving';
  }
}

describe.each(ADAPTERS)(`errors (%s, ${NEST})`, (adapter) => {
  let t: TestApp;
  const logger = new RecordingLogger();
  beforeAll(
    async () =>
      (t = await startApp(
        { controllers: [ErrorsController] },
        { adapter, configure: (app) => app.useLogger(logger) },
      )),
  );
  afterAll(() => t.app.close());
  beforeEach(() => {
    logger.entries.splice(0);
  });

  describe('before the first event: an ordinary HTTP error through the exception filters', () => {
    it.each([
      [
        'an exception thrown by the generator',
        '/not-found',
        404,
        { statusCode: 404, message: 'no such item', error: 'Not Found' },
      ],
      [
        'an exception thrown after an await, before the first yield',
        '/after-await',
        403,
        { statusCode: 403, message: 'Forbidden' },
      ],
      [
        'a guard',
        '/guarded',
        403,
        { statusCode: 403, message: 'Forbidden resource', error: 'Forbidden' },
      ],
      [
        'a pipe',
        '/pipe?n=abc',
        400,
        {
          statusCode: 400,
          message: 'Validation failed (numeric string is expected)',
          error: 'Bad Request',
        },
      ],
      [
        'a method that throws',
        '/throws-sync',
        409,
        { statusCode: 409, message: 'not now', error: 'Conflict' },
      ],
      [
        'an Observable that errors first',
        '/observable-error',
        404,
        { statusCode: 404, message: 'Not Found' },
      ],
    ])('%s', async (_what, path, status, body) => {
      const response = await fetchRaw(`${t.url}${path}`);
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(response.body)).toEqual(body);
    });

    it('through the route exception filter', async () => {
      const response = await fetchRaw(`${t.url}/filtered`);
      expect(response.status).toBe(418);
      expect(JSON.parse(response.body)).toEqual({ brewed: true });
    });

    it('ValidationPipe: a valid body streams with 200, an invalid one is a 400', async () => {
      const ok = await collectEvents(t.url, '/validated', {
        method: 'POST',
        body: { prompt: 'hello' },
      });
      expect(ok.status).toBe(200);
      expect(ok.events).toEqual([{ event: 'echo', data: '"hello"' }]);

      const bad = await fetchRaw(`${t.url}/validated`, { method: 'POST', body: { prompt: 1 } });
      expect(bad.status).toBe(400);
      expect(JSON.parse(bad.body)).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: ['prompt must be longer than or equal to 2 characters', 'prompt must be a string'],
      });
    });

    it("a method that returns no stream gets Nest's ordinary answer, not a 500", async () => {
      const number = await fetchRaw(`${t.url}/not-a-stream`);
      expect(number.status).toBe(200);
      expect(number.body).toBe('42');
      const text = await fetchRaw(`${t.url}/string-is-not-a-stream`);
      expect(text.status).toBe(200);
      expect(text.body).toBe('text');
    });
  });

  describe('after the first event: one sanitised error frame, then the end', () => {
    it('hides a non-HTTP error exactly as Nest does, logs it once, and keeps serving', async () => {
      const response = await fetchRaw(`${t.url}/fails-later`);
      expect(response.status).toBe(200);
      expect(response.body).toBe(
        ':\n\ndata: 1\n\ndata: 2\n\nevent: error\ndata: {"statusCode":500,"message":"Internal server error"}\n\n',
      );
      expect(response.body).not.toMatch(/hunter2|at .*\.ts/);
      const errors = logger.entries.filter((e) => e.level === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0].message).toBe(
        'ErrorsController.failsLater: the stream failed after its first event',
      );
      expect(errors[0].detail).toContain('hunter2');

      expect((await collectEvents(t.url, '/ok')).events.map((e) => e.data)).toEqual([
        '"still serving"',
      ]);
    });

    it("sends an HttpException's response, unlogged", async () => {
      const response = await fetchRaw(`${t.url}/http-error-later`);
      const [opening, first, error, end] = response.body.split('\n\n');
      expect([opening, first, end]).toEqual([':', 'data: 1', '']);
      expect(error).toMatch(/^event: error\ndata: /);
      expect(JSON.parse(error.slice('event: error\ndata: '.length))).toEqual({
        statusCode: 409,
        message: 'version moved on',
        error: 'Conflict',
      });
      expect(logger.entries).toEqual([]);
    });

    it('handles an Observable that errors later the same way', async () => {
      const response = await fetchRaw(`${t.url}/observable-fails-later`);
      expect(response.body).toBe(
        ':\n\ndata: "first"\n\nevent: error\ndata: {"statusCode":500,"message":"Internal server error"}\n\n',
      );
      expect(response.body).not.toContain('secret');
    });

    it('treats a value that cannot be encoded as an error of the stream', async () => {
      const response = await fetchRaw(`${t.url}/unencodable-later`);
      expect(response.body).toBe(
        ':\n\ndata: 1\n\nevent: error\ndata: {"statusCode":500,"message":"Internal server error"}\n\n',
      );
      expect(logger.entries.filter((e) => e.level === 'error')).toHaveLength(1);
    });
  });
});
