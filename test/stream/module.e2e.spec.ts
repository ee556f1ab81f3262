import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { EventStream, EventStreamModule } from 'nestjs-event-stream';
import { ADAPTERS, NEST, startApp, type TestApp } from '../support/app.js';
import { fetchRaw } from '../support/http.js';

class SecretDto {
  name = 'visible';
  secret = 'hidden';
}

@Controller()
class DefaultsController {
  @Get('defaults')
  @EventStream()
  *defaults() {
    yield new SecretDto();
  }

  @Get('overridden')
  @EventStream({ retry: 50, serialize: { excludePrefixes: ['na'] } })
  *overridden() {
    yield new SecretDto();
  }
}

@Injectable()
class StreamConfig {
  readonly retry = 777;
}

@Module({ providers: [StreamConfig], exports: [StreamConfig] })
class ConfigModule {}

describe.each(ADAPTERS)(`EventStreamModule (%s, ${NEST})`, (adapter) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.app.close();
    t = undefined;
  });

  it('routes work without the module, on built-in defaults', async () => {
    t = await startApp({ controllers: [DefaultsController] }, { adapter });
    expect((await fetchRaw(`${t.url}/defaults`)).body).toBe(
      ':\n\ndata: {"name":"visible","secret":"hidden"}\n\n',
    );
  });

  it('forRoot() sets defaults for every route, which a route option overrides', async () => {
    t = await startApp(
      {
        imports: [
          EventStreamModule.forRoot({ retry: 1000, serialize: { excludePrefixes: ['sec'] } }),
        ],
        controllers: [DefaultsController],
      },
      { adapter },
    );
    expect((await fetchRaw(`${t.url}/defaults`)).body).toBe(
      ':\nretry: 1000\n\ndata: {"name":"visible"}\n\n',
    );
    // A route's serialize options replace the module's key by key.
    expect((await fetchRaw(`${t.url}/overridden`)).body).toBe(
      ':\nretry: 50\n\ndata: {"secret":"hidden"}\n\n',
    );
  });

  it('forRootAsync() builds the options with injected dependencies', async () => {
    t = await startApp(
      {
        imports: [
          EventStreamModule.forRootAsync({
            imports: [ConfigModule],
            inject: [StreamConfig],
            useFactory: async (config: StreamConfig) => ({ retry: config.retry }),
          }),
        ],
        controllers: [DefaultsController],
      },
      { adapter },
    );
    expect((await fetchRaw(`${t.url}/defaults`)).body).toMatch(/^:\nretry: 777\n\n/);
  });

  it('forRootAsync() rejects bad options from the factory when the app starts', async () => {
    await expect(
      startApp(
        { imports: [EventStreamModule.forRootAsync({ useFactory: () => ({ commitAfter: -1 }) })] },
        { adapter },
      ),
    ).rejects.toThrow(
      'EventStreamModule: "commitAfter" must be a non-negative integer (milliseconds), got -1',
    );
  });
});

describe('option validation, where the options are written', () => {
  it.each([
    [
      { keepAlive: 0 },
      RangeError,
      '"keepAlive" must be a positive integer (milliseconds) or false, got 0',
    ],
    [
      { keepAlive: 1.5 },
      RangeError,
      '"keepAlive" must be a positive integer (milliseconds) or false, got 1.5',
    ],
    [
      { commitAfter: -5 },
      RangeError,
      '"commitAfter" must be a non-negative integer (milliseconds), got -5',
    ],
    [{ retry: -1 }, RangeError, '"retry" must be a non-negative integer (milliseconds), got -1'],
    [{ event: 'a\nb' }, TypeError, '"event" must not contain CR, LF or NUL, got "a\\nb"'],
    [{ type: 'UserDto' }, TypeError, '"type" must be a class, got "UserDto"'],
    [
      { events: { token: {} } },
      TypeError,
      '"events.token" must be a class, got an object (Object)',
    ],
    [{ events: { 'a\rb': SecretDto } }, TypeError, '"events key" must not contain CR, LF or NUL'],
  ])('@EventStream(%p) throws', (options, errorClass, message) => {
    const decorate = () => EventStream(options as never);
    expect(decorate).toThrow(errorClass);
    expect(decorate).toThrow(`@EventStream(): ${message}`);
  });

  it('forRoot() throws on a bad option', () => {
    expect(() => EventStreamModule.forRoot({ maxBufferedBytes: 0 })).toThrow(
      'EventStreamModule: "maxBufferedBytes" must be a positive integer (bytes), got 0',
    );
    expect(() => EventStreamModule.forRoot({ hub: { maxQueuedEvents: 0 } })).toThrow(
      'EventStreamModule: "hub.maxQueuedEvents" must be a positive integer, got 0',
    );
    expect(() => EventStreamModule.forRoot({ keepAlive: false })).not.toThrow();
  });

  it('@EventStream() refuses to decorate something that is not a method', () => {
    expect(() => EventStream()({}, 'field', {} as PropertyDescriptor)).toThrow(
      '@EventStream() decorates methods only',
    );
  });
});
