import { describe, expect, it } from '@jest/globals';
import { createServer, get, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SocketBody } from '../../lib/platform/socket-body.js';
import { FakeResponse } from '../support/fake-response.js';

/** Runs `handle` on a real node:http response, then ends it; resolves with the body sent. */
async function onResponse<T>(
  handle: (res: ServerResponse) => T,
  status = 200,
  method = 'GET',
): Promise<{ result: T; body: string }> {
  let result!: T;
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/event-stream' });
    result = handle(res);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const body = await new Promise<string>((resolve, reject) => {
    get(`http://127.0.0.1:${port}/`, { method }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve(text));
    }).on('error', reject);
  });
  server.close();
  return { result, body };
}

describe('SocketBody (where the writer may skip ServerResponse.write)', () => {
  it("takes a node:http response once a write has taken the headers out, and frames chunks as Node's own", async () => {
    const { result, body } = await onResponse((res) => {
      res.write(': \n\n');
      const socketBody = SocketBody.of(res);
      socketBody?.write('data: "é"\n\n');
      return socketBody;
    });
    expect(result).toBeInstanceOf(SocketBody);
    expect(body).toBe(': \n\ndata: "é"\n\n');
  });

  it('frames a large chunk (a batch of a burst, written in three pieces) by its size in bytes', async () => {
    const batch = 'data: "€ é 日本"\n\n'.repeat(1000);
    const { body } = await onResponse((res) => {
      res.write(': \n\n');
      SocketBody.of(res)?.write(batch);
    });
    expect(body).toBe(`: \n\n${batch}`);
  });

  it('not before the first write: the headers would not be out yet', async () => {
    const { result } = await onResponse((res) => SocketBody.of(res));
    expect(result).toBeUndefined();
  });

  it('not when something wraps write() (a compressor, a logger)', async () => {
    const { result } = await onResponse((res) => {
      const write = res.write.bind(res) as (chunk: string) => boolean;
      res.write = ((chunk: string) => write(chunk)) as typeof res.write;
      res.write(': \n\n');
      return SocketBody.of(res);
    });
    expect(result).toBeUndefined();
  });

  it('not on a response that may have no body (204)', async () => {
    const { result } = await onResponse((res) => {
      res.write('');
      return SocketBody.of(res);
    }, 204);
    expect(result).toBeUndefined();
  });

  it('not on the answer to a HEAD request', async () => {
    const { result } = await onResponse(
      (res) => {
        res.write('');
        return SocketBody.of(res);
      },
      200,
      'HEAD',
    );
    expect(result).toBeUndefined();
  });

  it('not on a response that is not a node:http ServerResponse (HTTP/2, a test double)', () => {
    expect(SocketBody.of(new FakeResponse())).toBeUndefined();
  });
});
