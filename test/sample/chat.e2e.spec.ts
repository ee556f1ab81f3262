import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { EventSource } from 'eventsource';
import type { EventSourceMessage } from 'eventsource-parser/stream';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppModule } from '../../sample/app.module.js';
import { configureApp } from '../../sample/app.js';
import { EchoModel } from '../../sample/echo-model.js';
import { ChatService } from '../../sample/chat.service.js';
import { ADAPTERS, NEST, startApp, type AdapterName, type TestApp } from '../support/app.js';
import { Deferred } from '../support/deferred.js';
import { readEventStream } from '../support/event-stream-reader.js';
import { fetchRaw } from '../support/http.js';
import { SteppedEchoModel } from '../support/stepped-echo-model.js';

const PROMPT = 'one two three';

/** The whole answer to PROMPT, each event as `name data`. */
const ANSWER = [
  ...['You', 'said:', 'one', 'two', 'three'].map((word) => `token {"text":"${word} "}`),
  'usage {"tokens":5}',
  'message [DONE]',
];

const CUT_SHORT = 'error {"statusCode":500,"message":"The answer was cut short"}';

const named = (events: EventSourceMessage[]) =>
  events.map(({ event, data }) => `${event ?? 'message'} ${data}`);

/** The sample app, its model stepped by the test. */
const startChat = (adapter: AdapterName, model: SteppedEchoModel) =>
  startApp(
    { imports: [AppModule] },
    {
      adapter,
      configure: configureApp,
      override: (builder) => builder.overrideProvider(EchoModel).useValue(model),
    },
  );

const ask = (url: string, prompt = PROMPT) =>
  readEventStream(`${url}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt }),
  });

describe.each(ADAPTERS)(`the sample chat (%s, ${NEST})`, (adapter) => {
  const model = new SteppedEchoModel();
  let t: TestApp;
  beforeAll(async () => {
    t = await startChat(adapter, model);
  });
  afterAll(() => t.app.close());
  beforeEach(() => model.hold());

  const resume = (location: string, lastEventId?: string) =>
    readEventStream(`${t.url}${location}`, {
      headers: lastEventId === undefined ? {} : { 'Last-Event-ID': lastEventId },
    });
  /** Asks, reads the first `count` events of the answer, and leaves. */
  const leaveAfter = async (count: number) => {
    model.release(count);
    const chat = await ask(t.url);
    const seen = await chat.take(count);
    chat.leave();
    return { location: chat.response.headers.get('content-location')!, seen };
  };
  /** Waits, as no HTTP client, for the answer to end. */
  const finished = async (location: string) => {
    for await (const _ of t.app.get(ChatService).events(location.split('/').at(-1)!));
  };

  it('POST streams the answer, names where it resumes, and ends with it', async () => {
    model.release();
    const chat = await ask(t.url);
    expect(chat.response.status).toBe(200);
    expect(chat.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(chat.response.headers.get('content-location')).toMatch(/^\/chat\/[\da-f-]{36}$/);
    const events = await chat.rest();
    expect(named(events)).toEqual(ANSWER);
    expect(new Set(events.map(({ id }) => id)).size).toBe(ANSWER.length);
  });

  it('a client that leaves mid-answer does not stop it: back with Last-Event-ID, it gets the rest', async () => {
    const { location, seen } = await leaveAfter(2);
    // The rest is generated with no client connected.
    model.release();
    await finished(location);
    const back = await resume(location, seen[1].id);
    expect(back.response.status).toBe(200);
    expect(named([...seen, ...(await back.rest())])).toEqual(ANSWER);
  });

  it('back mid-answer with Last-Event-ID, it gets the rest as it is generated', async () => {
    const { location, seen } = await leaveAfter(3);
    const back = await resume(location, seen[2].id);
    expect(back.response.status).toBe(200);
    model.release(1);
    const next = await back.take(1);
    model.release();
    expect(named([...seen, ...next, ...(await back.rest())])).toEqual(ANSWER);
  });

  it('back without Last-Event-ID (a reloaded page), it gets the whole answer once, then the rest live', async () => {
    const { location } = await leaveAfter(2);
    const back = await resume(location);
    const replayed = await back.take(2);
    model.release();
    expect(named([...replayed, ...(await back.rest())])).toEqual(ANSWER);
  });

  it('back after the end: the whole answer again without Last-Event-ID; 204 from the last one', async () => {
    model.release();
    const chat = await ask(t.url);
    const location = chat.response.headers.get('content-location')!;
    const events = await chat.rest();
    const again = await resume(location);
    expect(named(await again.rest())).toEqual(ANSWER);
    const over = await fetchRaw(`${t.url}${location}`, {
      headers: { 'Last-Event-ID': events.at(-1)!.id! },
    });
    expect(over.status).toBe(204);
    expect(over.body).toBe('');
  });

  it('an EventSource that comes back after the end gets the answer once, then a 204, and stops', async () => {
    model.release();
    const chat = await ask(t.url);
    const location = chat.response.headers.get('content-location')!;
    await chat.rest();
    const requests: Array<string | null> = [];
    const received: string[] = [];
    const closed = new Deferred();
    const source = new EventSource(`${t.url}${location}`, {
      fetch: (url, init) => {
        requests.push(new Headers(init.headers).get('last-event-id'));
        return fetch(url, init);
      },
    });
    source.addEventListener('token', ({ data }) => received.push(JSON.parse(data).text));
    source.onmessage = ({ data }) => received.push(data);
    source.onerror = () => source.readyState === EventSource.CLOSED && closed.resolve();
    await closed.promise;
    expect(received.join('')).toBe('You said: one two three [DONE]');
    // The first request, then the reconnection from the last id, answered 204.
    expect(requests).toEqual([null, expect.stringMatching(/^\d+-\d+$/)]);
    // A bounded negative check: no further request comes (the sample's retry is 1 s).
    await sleep(2000);
    expect(requests).toHaveLength(2);
    source.close();
  });

  it('a model that fails mid-answer ends it with an error event, for the client then and for later ones', async () => {
    model.release();
    model.failAt = 2;
    const chat = await ask(t.url);
    const location = chat.response.headers.get('content-location')!;
    const cutShort = [...ANSWER.slice(0, 2), CUT_SHORT];
    expect(named(await chat.rest())).toEqual(cutShort);
    expect(named(await (await resume(location)).rest())).toEqual(cutShort);
  });

  it('an unknown answer is a 404, a malformed id a 400, an empty prompt a 400', async () => {
    const unknown = await fetchRaw(`${t.url}/chat/${randomUUID()}`);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ statusCode: 404 });
    expect((await fetchRaw(`${t.url}/chat/not-an-id`)).status).toBe(400);
    const empty = await fetchRaw(`${t.url}/chat`, { method: 'POST', body: { prompt: '' } });
    expect(empty.status).toBe(400);
    expect(empty.headers['content-location']).toBeUndefined();
  });
});

describe.each(ADAPTERS)(`the sample chat on shutdown (%s, ${NEST})`, (adapter) => {
  it('app.close() with an answer mid-way ends it, and its reader, with the error event', async () => {
    const model = new SteppedEchoModel();
    model.release(1);
    const t = await startChat(adapter, model);
    const chat = await ask(t.url);
    const first = await chat.take(1);
    await t.app.close();
    expect(named([...first, ...(await chat.rest())])).toEqual([ANSWER[0], CUT_SHORT]);
  });
});
