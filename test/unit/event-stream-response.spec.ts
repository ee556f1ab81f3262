import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { Observable, type Subscription } from 'rxjs';
import type { HttpPlatform } from '../../lib/platform/index.js';
import { createEventEncoder } from '../../lib/sse/event-encoder.js';
import { EventStreamResponse } from '../../lib/stream/event-stream-response.js';
import { OpenStreams } from '../../lib/stream/open-streams.js';
import { HandlerResult } from '../../lib/stream/handler-result.js';
import { DEFAULT_STREAM_SETTINGS } from '../../lib/stream/stream-settings.js';
import { streamAbortController } from '../../lib/stream/stream-signal.js';
import { Deferred } from '../support/deferred.js';
import { FakeResponse } from '../support/fake-response.js';

/** A response on a fake socket, run as Nest would, recording what Nest is told. */
function start(returned: unknown) {
  const res = new FakeResponse();
  const takeOvers: number[] = [];
  const platform: HttpPlatform = {
    rawRequest: (request) => request as never,
    rawResponse: () => res,
    setStatus: (_reply, status) => (res.statusCode = status),
    takeOver: () => takeOvers.push(1),
  };
  const openStreams = new OpenStreams();
  const request = { method: 'GET', httpVersion: '1.1', headers: {} };
  const response = new EventStreamResponse(
    {
      name: 'Test.route',
      status: 200,
      settings: { ...DEFAULT_STREAM_SETTINGS, commitAfter: 60_000, keepAlive: false },
      encode: createEventEncoder(),
    },
    {} as ExecutionContext,
    platform,
    {},
    request,
    openStreams,
  );
  const nest: Array<[string, unknown?]> = [];
  const told = new Deferred<void>();
  const subscription: Subscription = new Observable((subscriber) =>
    response.run(new HandlerResult(returned), subscriber),
  ).subscribe({
    next: (value) => nest.push(['next', value]),
    complete: () => (nest.push(['complete']), told.resolve()),
    error: (error: unknown) => (nest.push(['error', error]), told.resolve()),
  });
  const ended = new Promise<void>((resolve) => res.once('close', () => resolve()));
  return {
    res,
    response,
    nest,
    told: told.promise,
    ended,
    takeOvers,
    openStreams,
    signal: () => streamAbortController(request).signal,
    subscription,
  };
}

/** A source that never yields: the stream waits for its first event. */
function silentSource(): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => new Promise<IteratorResult<unknown>>(() => undefined),
    }),
  };
}

async function* two() {
  yield 1;
  yield 2;
}

describe('EventStreamResponse (pending → piping → streaming → ended | failed | cancelled | answered)', () => {
  it('streams to its end: Nest is told the request is over once the headers are out', async () => {
    const run = start(two());
    expect(run.response.state).toBe('piping');
    await run.told;
    expect(run.nest).toEqual([['next', undefined], ['complete']]);
    await run.ended;
    expect(run.response.state).toBe('ended');
    expect(run.res.body).toBe(':\n\ndata: 1\n\ndata: 2\n\n');
    expect(run.takeOvers).toHaveLength(1);
    expect(run.openStreams.size).toBe(0);
    expect(run.signal().aborted).toBe(true);
  });

  it('hands a value that is no stream to Nest, which answers it', async () => {
    const run = start(Promise.resolve({ answer: 42 }));
    await run.told;
    expect(run.response.state).toBe('answered');
    expect(run.nest).toEqual([['next', { answer: 42 }], ['complete']]);
    expect(run.openStreams.size).toBe(0);
    expect(run.takeOvers).toHaveLength(0);
  });

  it('fails before the first event as an error to Nest (its filters answer)', async () => {
    const failure = new Error('before');
    const run = start({
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(failure) }),
    });
    await run.told;
    expect(run.response.state).toBe('failed');
    expect(run.nest).toEqual([['error', failure]]);
    expect(run.takeOvers).toHaveLength(0);
    expect(run.res.headersSent).toBe(false);
  });

  it('fails after the first event with the error frame, then ends', async () => {
    const run = start(
      (async function* () {
        yield 'partial';
        throw new Error('after');
      })(),
    );
    await run.ended;
    expect(run.response.state).toBe('failed');
    expect(run.res.body).toBe(
      ':\n\ndata: "partial"\n\nevent: error\ndata: {"statusCode":500,"message":"Internal server error"}\n\n',
    );
  });

  it('is cancelled by an outer unsubscribe before the headers: the source is closed', async () => {
    const closed = new Deferred<void>();
    const source = {
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<unknown>>(() => undefined),
        return: async () => (closed.resolve(), { value: undefined, done: true as const }),
      }),
    };
    const run = start(source);
    run.subscription.unsubscribe();
    await closed.promise;
    expect(run.response.state).toBe('cancelled');
    expect(run.res.headersSent).toBe(false);
  });

  it('ends when the client leaves before the headers, taking the response from Nest', async () => {
    const run = start(silentSource());
    run.res.destroy();
    await run.told;
    expect(run.response.state).toBe('ended');
    expect(run.takeOvers).toHaveLength(1);
    expect(run.nest).toEqual([['next', undefined], ['complete']]);
    expect(run.signal().aborted).toBe(true);
  });

  it('answers 204 for a source that ends before its first event', async () => {
    const run = start([]);
    await run.ended;
    expect(run.response.state).toBe('ended');
    expect(run.res.statusCode).toBe(204);
    expect(run.res.body).toBe('');
  });

  it('shutdown() ends a stream that waits for its first event', async () => {
    const run = start(silentSource());
    run.response.shutdown();
    await run.ended;
    expect(run.response.state).toBe('ended');
    expect(run.res.writableEnded).toBe(true);
  });
});
