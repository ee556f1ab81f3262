import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  Controller,
  Get,
  Injectable,
  RequestTimeoutException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { EventStream } from 'nestjs-event-stream';
import { collectEvents } from 'nestjs-event-stream/testing';
import { catchError, map, tap, throwError, timeout, TimeoutError, type Observable } from 'rxjs';
import { ADAPTERS, NEST, startApp, type TestApp } from '../support/app.js';
import { collectGarbage } from '../support/collect-garbage.js';
import { Deferred } from '../support/deferred.js';
import { fetchRaw } from '../support/http.js';

/** What the routes and the interceptor report to the tests; fresh for each test. */
const freshProbe = () => ({
  chainCompleted: new Deferred<void>(),
  chainFailed: new Deferred<unknown>(),
  release: new Deferred<void>(),
  sourceFinally: new Deferred<void>(),
  chain: undefined as WeakRef<object> | undefined,
});
let probe = freshProbe();

/**
 * The interceptors of NestJS's documentation, applied globally: a 200 ms request timeout
 * (answering 408), a response mapper, and a tap that reports how the chain ended.
 */
@Injectable()
class TimeoutLoggingInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const handled = next.handle();
    probe.chain = new WeakRef(handled);
    return handled.pipe(
      timeout(200),
      catchError((error: unknown) =>
        throwError(() => (error instanceof TimeoutError ? new RequestTimeoutException() : error)),
      ),
      map((data) => ({ data })),
      tap({
        complete: () => probe.chainCompleted.resolve(),
        error: (error: unknown) => probe.chainFailed.resolve(error),
      }),
    );
  }
}

@Controller()
class InterceptedController {
  @Get('later')
  @EventStream({ commitAfter: 0 })
  async *later() {
    yield 'first';
    // Far longer than the timeout: the stream is no longer the interceptors' business.
    await probe.release.promise;
    yield 'second';
  }

  @Get('silent')
  @EventStream({ commitAfter: 60_000 })
  async *silent() {
    try {
      await probe.release.promise;
      yield 'never sent';
    } finally {
      probe.sourceFinally.resolve();
    }
  }
}

describe.each(ADAPTERS)(`global interceptors (%s, ${NEST})`, (adapter) => {
  let target: TestApp;

  beforeAll(async () => {
    target = await startApp(
      {
        controllers: [InterceptedController],
        providers: [{ provide: APP_INTERCEPTOR, useClass: TimeoutLoggingInterceptor }],
      },
      { adapter },
    );
  });
  afterAll(() => target.app.close());
  beforeEach(() => {
    probe = freshProbe();
  });

  it('see the request end once the stream is under way; a timeout does not cut the stream', async () => {
    const stream = collectEvents(target.url, '/later');
    await probe.chainCompleted.promise;
    probe.release.resolve();
    const { status, events } = await stream;
    expect(status).toBe(200);
    expect(events.map(({ data }) => data)).toEqual(['"first"', '"second"']);
  });

  it('let go of the request chain while the stream lives on', async () => {
    const stream = collectEvents(target.url, '/later');
    await probe.chainCompleted.promise;
    // Nest's own promise callbacks for the request run out first.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(probe.chain?.deref()).toBeUndefined();
    probe.release.resolve();
    expect((await stream).events).toHaveLength(2);
  });

  it('answer for a stream that has not started: a timeout before the headers is their 408, and the source is closed', async () => {
    const response = await fetchRaw(`${target.url}/silent`);
    expect(response.status).toBe(408);
    expect(JSON.parse(response.body)).toMatchObject({ statusCode: 408 });
    await expect(probe.chainFailed.promise).resolves.toBeInstanceOf(RequestTimeoutException);
    probe.release.resolve();
    await probe.sourceFinally.promise;
  });
});
