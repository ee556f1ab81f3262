import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Post } from '@nestjs/common';
import { EventStream, ServerSentEvent } from 'nestjs-event-stream';
import { collectEvents } from 'nestjs-event-stream/testing';
import { of } from 'rxjs';
import { startApp, type TestApp } from '../support/app.js';

@Controller()
class SmokeController {
  @Get('gen')
  @EventStream()
  async *gen() {
    yield { a: 1 };
    yield new ServerSentEvent({ data: 'x', event: 'e', id: 3 });
  }

  @Post('obs')
  @EventStream()
  obs() {
    return of([1, 2], [3]);
  }
}

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp({ controllers: [SmokeController] })));
  afterAll(() => t.app.close());

  it('streams a generator', async () => {
    const s = await collectEvents(t.url, '/gen');
    expect(s.status).toBe(200);
    expect(s.events).toEqual([{ data: '{"a":1}' }, { data: '"x"', event: 'e', id: '3' }]);
  });

  it('streams an observable over POST', async () => {
    const s = await collectEvents(t.url, '/obs', { method: 'POST' });
    expect(s.status).toBe(200);
    expect(s.events.map((e) => e.data)).toEqual(['[1,2]', '[3]']);
  });
});
