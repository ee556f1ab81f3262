import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest,
} from '@jest/globals';
import { Controller, Get, NotFoundException } from '@nestjs/common';
import { EventSource } from 'eventsource';
import { BehaviorSubject } from 'rxjs';
import { EventStream } from 'nestjs-event-stream';
import { ADAPTERS, NEST, startApp, type TestApp } from '../support/app.js';
import { Deferred } from '../support/deferred.js';
import { fetchRaw } from '../support/http.js';

// The tests move a fake clock; I/O, nextTick and setImmediate stay real.
const gates: Array<Deferred<string>> = [];
const nextGate = () => {
  const gate = new Deferred<string>();
  gates.push(gate);
  return gate.promise;
};
const gateOpened = async (index: number) => {
  while (gates.length <= index) await new Promise((resolve) => setImmediate(resolve));
  return gates[index];
};

const lifetime = { closed: new Deferred<void>() };

@Controller()
class TimingController {
  @Get('keep-alive')
  @EventStream({ keepAlive: 1000 })
  async *keepAlive() {
    for (;;) yield await nextGate();
  }

  @Get('no-keep-alive')
  @EventStream({ keepAlive: false })
  async *noKeepAlive() {
    for (;;) yield await nextGate();
  }

  @Get('short-lived')
  @EventStream({ maxLifetime: 60_000, keepAlive: false })
  async *shortLived() {
    try {
      for (;;) yield await nextGate();
    } finally {
      lifetime.closed.resolve();
    }
  }

  // Emits as it is subscribed to, so the headers go out before the method's call returns.
  @Get('short-lived-at-once')
  @EventStream({ maxLifetime: 60_000, keepAlive: false })
  shortLivedAtOnce() {
    return new BehaviorSubject('first');
  }

  @Get('silent')
  @EventStream()
  async *silent() {
    yield await nextGate();
  }
}

/** Opens a raw stream and lets the test wait for text to appear in its body. */
function openStream(url: string) {
  let body = '';
  let waiter: { text: string; resolve: () => void } | undefined;
  const done = fetchRaw(url, {
    until: (sofar) => {
      body = sofar;
      if (waiter && body.includes(waiter.text)) waiter.resolve();
      return false;
    },
  });
  return {
    done,
    body: () => body,
    waitForText: (text: string) =>
      new Promise<void>((resolve) => {
        if (body.includes(text)) return resolve();
        waiter = { text, resolve };
      }),
  };
}

describe.each(ADAPTERS)(`timing (%s, ${NEST})`, (adapter) => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp({ controllers: [TimingController] }, { adapter })));
  afterAll(() => t.app.close());
  beforeEach(() => {
    gates.splice(0);
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('sends a ping after keepAlive ms of silence, and every event resets the clock', async () => {
    const stream = openStream(`${t.url}/keep-alive`);
    (await gateOpened(0)).resolve('a');
    await stream.waitForText('data: "a"\n\n');
    jest.advanceTimersByTime(999);
    (await gateOpened(1)).resolve('b');
    await stream.waitForText('data: "b"\n\n');
    jest.advanceTimersByTime(999);
    (await gateOpened(2)).resolve('c');
    await stream.waitForText('data: "c"\n\n');
    expect(stream.body()).not.toContain(': ping');
    jest.advanceTimersByTime(1000);
    await stream.waitForText(': ping\n\n');
    jest.advanceTimersByTime(1000);
    (await gateOpened(3)).resolve('d');
    await stream.waitForText('data: "d"\n\n');
    expect(stream.body()).toBe(
      ':\n\ndata: "a"\n\ndata: "b"\n\ndata: "c"\n\n: ping\n\n: ping\n\ndata: "d"\n\n',
    );
  });

  it('sends no ping with keepAlive: false', async () => {
    const stream = openStream(`${t.url}/no-keep-alive`);
    (await gateOpened(0)).resolve('a');
    await stream.waitForText('data: "a"\n\n');
    jest.advanceTimersByTime(3_600_000);
    (await gateOpened(1)).resolve('b');
    await stream.waitForText('data: "b"\n\n');
    expect(stream.body()).toBe(':\n\ndata: "a"\n\ndata: "b"\n\n');
  });

  it('a silent source still answers with an HTTP error until commitAfter has passed', async () => {
    const response = fetchRaw(`${t.url}/silent`);
    const gate = await gateOpened(0);
    jest.advanceTimersByTime(249);
    gate.reject(new NotFoundException());
    const { status, body } = await response;
    expect(status).toBe(404);
    expect(JSON.parse(body)).toEqual({ statusCode: 404, message: 'Not Found' });
  });

  it("a silent source's headers go out after commitAfter, and EventSource opens", async () => {
    const source = new EventSource(`${t.url}/silent`);
    const opened = new Promise<void>((resolve) => (source.onopen = () => resolve()));
    await gateOpened(0);
    jest.advanceTimersByTime(250);
    await opened;
    expect(source.readyState).toBe(EventSource.OPEN);
    source.close();
  });
  // Proxies that wait for a first body byte (Cloudflare and others) would otherwise hold
  // a silent stream back until the first keep-alive, 15 s later.
  it("a silent source's body starts with a comment as its headers go out", async () => {
    const stream = openStream(`${t.url}/keep-alive`);
    await gateOpened(0);
    jest.advanceTimersByTime(250);
    await stream.waitForText(':\n\n');
    expect(stream.body()).toBe(':\n\n');
    jest.advanceTimersByTime(999);
    (await gateOpened(0)).resolve('a');
    await stream.waitForText('data: "a"\n\n');
    expect(stream.body()).toBe(':\n\ndata: "a"\n\n');
  });
  it('ends a stream cleanly maxLifetime ms after its headers went out, closing its source', async () => {
    lifetime.closed = new Deferred<void>();
    const stream = openStream(`${t.url}/short-lived`);
    let ended = false;
    void stream.done.then(() => (ended = true));
    (await gateOpened(0)).resolve('a');
    await stream.waitForText('data: "a"\n\n');
    jest.advanceTimersByTime(59_999);
    (await gateOpened(1)).resolve('b');
    await stream.waitForText('data: "b"\n\n');
    expect(ended).toBe(false);
    jest.advanceTimersByTime(1);
    const { status, body } = await stream.done;
    expect(status).toBe(200);
    expect(body).toBe(':\n\ndata: "a"\n\ndata: "b"\n\n');
    // The generator, parked on its next gate, is closed too.
    (await gateOpened(2)).resolve('c');
    await lifetime.closed.promise;
  });

  it('ends after maxLifetime a stream whose first event came as its source was subscribed to', async () => {
    const stream = openStream(`${t.url}/short-lived-at-once`);
    await stream.waitForText('data: "first"\n\n');
    jest.advanceTimersByTime(60_000);
    const { status, body } = await stream.done;
    expect(status).toBe(200);
    expect(body).toBe(':\n\ndata: "first"\n\n');
  });
});
