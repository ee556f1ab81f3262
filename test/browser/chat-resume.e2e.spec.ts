/// <reference lib="dom" />
// Functions passed to page.* run in the browser, hence the DOM types.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import type { Browser, Page, Request } from 'playwright-core';
import { AppModule } from '../../sample/app.module.js';
import { configureApp } from '../../sample/app.js';
import { EchoModel } from '../../sample/echo-model.js';
import { ADAPTERS, NEST, startApp, type TestApp } from '../support/app.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { SteppedEchoModel } from '../support/stepped-echo-model.js';

const run = chromiumAvailable() ? describe : describe.skip;

run.each(ADAPTERS)(`the sample chat in Chromium, across a reload (%s, ${NEST})`, (adapter) => {
  const model = new SteppedEchoModel();
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  /** The page's requests for answers, as `METHOD path`. */
  let requests: string[];
  /** Every text the reply has shown, across reloads. */
  let shown: string[];

  beforeAll(async () => {
    t = await startApp(
      { imports: [AppModule] },
      {
        adapter,
        configure: configureApp,
        override: (builder) => builder.overrideProvider(EchoModel).useValue(model),
      },
    );
    browser = await launchChromium();
    page = await browser.newPage();
    await page.exposeFunction('recordReply', (text: string) => shown.push(text));
    // Before the page's own script, on every load: each change of the reply, recorded.
    await page.addInitScript(() =>
      document.addEventListener('DOMContentLoaded', () => {
        const reply = document.getElementById('reply')!;
        const record = (window as unknown as { recordReply(text: string): void }).recordReply;
        new MutationObserver(() => record(reply.textContent!)).observe(reply, {
          childList: true,
          characterData: true,
          subtree: true,
        });
      }),
    );
    page.on('request', (request) => {
      const { pathname } = new URL(request.url());
      if (pathname.startsWith('/chat')) requests.push(`${request.method()} ${pathname}`);
    });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await t?.app.close();
  });

  beforeEach(() => {
    model.hold();
    requests = [];
    shown = [];
  });

  /** The reply ends as `answer`, and never showed a token twice or out of order. */
  const expectShownOnce = async (answer: string) => {
    expect(await page.textContent('#reply')).toBe(answer);
    expect(shown.at(-1)).toBe(answer);
    expect(shown.filter((text) => !answer.startsWith(text))).toEqual([]);
  };

  const reply = (text: string) =>
    page.waitForFunction((text) => document.getElementById('reply')!.textContent === text, text);
  const state = (state: string) => page.waitForSelector(`#chat-state[data-state="${state}"]`);
  /** A bounded negative check: the page asks for no answer in 2 s (the sample's retry is 1 s). */
  const noMoreRequests = async () => {
    const before = requests.length;
    await page.waitForTimeout(2000);
    expect(requests).toHaveLength(before);
  };

  it('a reload mid-answer resumes it: the whole answer shown once, in order, then no request more', async () => {
    await page.goto(t.url);
    await page.fill('#prompt', 'one two three four five six');
    model.release(4);
    await page.click('#chat-form button');
    await reply('You said: one two ');
    // The generation is held there: the reload lands mid-answer.
    await page.reload();
    await reply('You said: one two ');
    await state('streaming');
    model.release();
    await state('done');
    await expectShownOnce('You said: one two three four five six ');
    expect(await page.inputValue('#prompt')).toBe('one two three four five six');
    // One generation: the page after the reload read it (GET), it did not ask again (POST).
    expect(requests).toEqual(['POST /chat', expect.stringMatching(/^GET \/chat\/[\da-f-]{36}$/)]);
    await noMoreRequests();
  });

  it('a page reloaded after the end shows the answer once more, and asks no further', async () => {
    await page.reload();
    await state('done');
    await expectShownOnce('You said: one two three four five six ');
    expect(requests).toEqual([expect.stringMatching(/^GET \/chat\//)]);
    await noMoreRequests();
  });

  it('a connection dropped mid-answer is resumed, the answer shown once, in order', async () => {
    await page.fill('#prompt', 'seven eight nine');
    model.release(3);
    await page.click('#chat-form button');
    await reply('You said: seven ');
    const resumed = page.waitForRequest((request) => /\/chat\/[\da-f-]{36}$/.test(request.url()));
    (t.app.getHttpServer() as Server).closeAllConnections();
    await resumed;
    await reply('You said: seven ');
    model.release();
    await state('done');
    await expectShownOnce('You said: seven eight nine ');
    expect(requests).toEqual(['POST /chat', expect.stringMatching(/^GET \/chat\//)]);
  });

  it('a resumed answer whose connection drops goes on from its Last-Event-ID, shown once', async () => {
    await page.fill('#prompt', 'ten eleven twelve');
    model.release(3);
    await page.click('#chat-form button');
    await reply('You said: ten ');
    await page.reload();
    await reply('You said: ten ');
    await state('streaming');
    // The page's EventSource reconnects by itself, from the last event it had.
    // (allHeaders: the browser's network stack adds Last-Event-ID.)
    const lastEventId = async (request: Request) =>
      request.url().includes('/chat/') ? (await request.allHeaders())['last-event-id'] : undefined;
    const reconnected = page.waitForRequest(async (request) => !!(await lastEventId(request)));
    (t.app.getHttpServer() as Server).closeAllConnections();
    expect(await lastEventId(await reconnected)).toMatch(/^\d+-3$/);
    model.release();
    await state('done');
    await expectShownOnce('You said: ten eleven twelve ');
    expect(requests).toEqual(['POST /chat', ...Array(2).fill(expect.stringMatching(/^GET /))]);
  });

  it('an answer whose model fails shows its words so far, then that it failed; an empty prompt fails at once', async () => {
    await page.fill('#prompt', 'doomed words');
    model.release();
    model.failAt = 3;
    await page.click('#chat-form button');
    await state('failed');
    await expectShownOnce('You said: doomed ');
    await page.fill('#prompt', '');
    const refused = page.waitForResponse((response) => response.status() === 400);
    await page.click('#chat-form button');
    await refused;
    await state('failed');
    expect(await page.textContent('#reply')).toBe('');
    expect(requests).toEqual(['POST /chat', 'POST /chat']);
  });

  it('a reloaded page whose answer the server no longer knows (404) forgets it and goes idle', async () => {
    await page.evaluate(() =>
      sessionStorage.setItem(
        'chat-answer',
        JSON.stringify({ answer: `/chat/${crypto.randomUUID()}`, prompt: 'long ago' }),
      ),
    );
    await page.reload();
    await state('idle');
    expect(await page.evaluate(() => sessionStorage.getItem('chat-answer'))).toBeNull();
    expect(await page.textContent('#reply')).toBe('');
    expect(requests).toEqual([expect.stringMatching(/^GET \/chat\//)]);
    await noMoreRequests();
  });
});
