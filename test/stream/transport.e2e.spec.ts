import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import fastifyCompress from '@fastify/compress';
import compression from 'compression';
import { EventSource } from 'eventsource';
import { EventStream } from 'nestjs-event-stream';
import { connect } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { NEST, startApp, type AdapterName, type TestApp } from '../support/app.js';
import { Deferred } from '../support/deferred.js';
import { fetchRaw } from '../support/http.js';

const release = { second: new Deferred<void>() };

@Controller()
class TransportController {
  @Get('two')
  @EventStream()
  async *two() {
    yield 'first';
    await release.second.promise;
    yield 'second';
  }
}

// Compression buffers its output until kilobytes pile up; events must not wait for that.
const compressionFor: Record<AdapterName, (app: INestApplication) => void> = {
  express: (app) => app.use(compression()),
  fastify: (app) =>
    void (app as NestFastifyApplication).register(fastifyCompress as never, {
      global: true,
      threshold: 0,
    }),
};

describe.each(Object.keys(compressionFor) as AdapterName[])(
  `with compression enabled (%s, ${NEST})`,
  (adapter) => {
    let t: TestApp;
    beforeAll(
      async () =>
        (t = await startApp(
          { controllers: [TransportController] },
          { adapter, configure: compressionFor[adapter] },
        )),
    );
    afterAll(() => t.app.close());

    it('leaves the stream uncompressed (Cache-Control: no-transform)', async () => {
      release.second = new Deferred<void>();
      release.second.resolve();
      const response = await fetchRaw(`${t.url}/two`, {
        headers: { 'accept-encoding': 'gzip, deflate, br' },
      });
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(response.body).toBe(':\n\ndata: "first"\n\ndata: "second"\n\n');
    });

    it('the first event reaches an EventSource while the generator still waits to yield the second', async () => {
      release.second = new Deferred<void>();
      const source = new EventSource(`${t.url}/two`, {
        fetch: (input, init) =>
          fetch(input, {
            ...init,
            headers: { ...init?.headers, 'accept-encoding': 'gzip, deflate, br' },
          }),
      });
      const messages: string[] = [];
      const first = new Deferred<void>();
      const second = new Deferred<void>();
      source.onmessage = (event) => {
        messages.push(event.data);
        (messages.length === 1 ? first : second).resolve();
      };
      await first.promise;
      expect(messages).toEqual(['"first"']);
      release.second.resolve();
      await second.promise;
      source.close();
      expect(messages).toEqual(['"first"', '"second"']);
    });
  },
);

describe(`HTTP/2 (fastify, cleartext h2c, ${NEST})`, () => {
  let app: NestFastifyApplication;
  let url: string;
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [TransportController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(
      new FastifyAdapter({ http2: true }),
      { logger: false },
    );
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it('streams, without a Connection header', async () => {
    release.second = new Deferred<void>();
    release.second.resolve();
    const session = connect(url);
    const stream = session.request({ ':path': '/two' });
    const headers = await new Promise<Record<string, unknown>>((resolve) =>
      stream.on('response', resolve),
    );
    let body = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (body += chunk));
    await new Promise((resolve) => stream.on('end', resolve));
    session.close();
    expect(headers[':status']).toBe(200);
    expect(headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(headers.connection).toBeUndefined();
    expect(body).toBe(':\n\ndata: "first"\n\ndata: "second"\n\n');
  });
});
