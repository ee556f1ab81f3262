/// <reference lib="dom" />
// Functions passed to page.* run in the browser, hence the DOM types.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../sample/app.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';

const root = resolve(import.meta.dirname, '../..');
const screenshots = join(root, 'test-output', 'screenshots');
const run = chromiumAvailable() ? describe : describe.skip;

run('the sample app in Chromium', () => {
  let app: INestApplication;
  let url: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    process.env.TICK_MS = '100';
    app = await createApp({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await browser.newPage();
    mkdirSync(screenshots, { recursive: true });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const seqs = () =>
    page.$$eval('#ticks li', (items) =>
      items.map((item) => Number((item as HTMLElement).dataset.seq)),
    );

  it('shows ticker events arriving, with the connection state and the last event id', async () => {
    await page.goto(url);
    await page.waitForSelector('#ticker-state[data-state="open"]');
    await page.waitForFunction(() => document.querySelectorAll('#ticks li').length >= 3);
    expect(await page.textContent('#last-id')).toMatch(/^\d+-\d+$/);
    expect(await page.textContent('#price')).toMatch(/^NEST \d+\.\d\d$/);
  });

  it('reconnects by itself when the server drops the connection, and resumes with no gap', async () => {
    const before = (await seqs()).length;
    // Drop every connection: the page's EventSource must come back on its own, sending
    // its Last-Event-ID, and the hub must replay what was published meanwhile.
    (app.getHttpServer() as Server).closeAllConnections();
    await page.waitForFunction(() => document.getElementById('reconnects')!.textContent === '1');
    await page.waitForFunction(
      (count) => document.querySelectorAll('#ticks li').length >= count + 10,
      before,
    );
    const all = await seqs();
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => all[0] + i));
    expect(await page.getAttribute('#ticker-state', 'data-state')).toBe('open');
    const path = join(screenshots, 'sample-page.png');
    await page.screenshot({ path, fullPage: true });
    console.log(`screenshot of the sample page: ${path}`);
  });

  it('a reloaded page starts with the recent ticks (rewind)', async () => {
    const seen = Math.max(...(await seqs()));
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('#ticks li').length >= 1);
    // A new EventSource sends no Last-Event-ID: the route rewinds the last 20 ticks.
    const [first] = await seqs();
    expect(first).toBeLessThanOrEqual(seen);
    expect(first).toBeGreaterThan(seen - 20);
  });

  it('renders the POST stream token by token and stops at [DONE]', async () => {
    await page.fill('#prompt', 'hello streams');
    await page.click('#chat-form button');
    await page.waitForSelector('#chat-state[data-state="done"]');
    expect(await page.textContent('#reply')).toBe('You said: hello streams ');
  });

  it('Swagger UI at /docs shows the stream operation with text/event-stream and the DTO schema', async () => {
    const docs = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    await docs.goto(`${url}/docs`);
    const operation = docs.locator('#operations-Ticker-TickerController_ticks');
    await operation.locator('.opblock-summary').first().click();
    await operation.locator('.responses-wrapper').waitFor();
    const text = await operation.textContent();
    expect(text).toContain('Live price ticks.');
    expect(text).toContain('Media typetext/event-stream');
    expect(text).toContain('Last-Event-ID');
    // The example is each event's data, the DTO; the description names the events.
    expect(text).toMatch(
      /\{\s*"seq": 0,\s*"symbol": "string",\s*"price": 0,\s*"at": "string"\s*\}/,
    );
    expect(text).toContain('Events: tick (data: TickDto); history-lost first');
    expect(await docs.locator('section.models').textContent()).toContain('TickDto');
    const path = join(screenshots, 'swagger-ui.png');
    await docs.screenshot({ path, fullPage: true });
    console.log(`screenshot of Swagger UI: ${path}`);
    await docs.close();
  });
});
