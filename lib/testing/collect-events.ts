import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createParser } from 'eventsource-parser';

/** One event as a client sees it; `retry` is the reconnection delay in force at that point. */
export interface CollectedEvent {
  event?: string;
  id?: string;
  data: string;
  retry?: number;
}

export interface CollectEventsOptions {
  method?: string;
  /** Sent as JSON unless it is a string. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Stop (and disconnect) after this many events; otherwise read until the stream ends. */
  count?: number;
  /** Fail if the events have not arrived by then. Default 5000. */
  timeoutMs?: number;
}

export interface CollectedStream {
  status: number;
  headers: IncomingHttpHeaders;
  events: CollectedEvent[];
  /** Comments received (keep-alive pings among them), without the leading colon. */
  comments: string[];
}

/** Something listening: a Nest app (`app.getHttpServer()` is used), a Node server, or a base URL. */
export type StreamTarget = { getHttpServer(): unknown } | Server | string;

/**
 * Opens an SSE route and collects its events: for users' e2e tests. Rejects when
 * the response is not a `text/event-stream` (with its status and body) or on timeout.
 */
export function collectEvents(
  target: StreamTarget,
  path: string,
  options: CollectEventsOptions = {},
): Promise<CollectedStream> {
  const { method = 'GET', body, headers = {}, count, timeoutMs = 5000 } = options;
  const url = new URL(path, baseUrl(target));
  const payload = body === undefined || typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const stream: CollectedStream = { status: 0, headers: {}, events: [], comments: [] };
    let retry: number | undefined;
    const request = httpRequest(url, {
      method,
      headers: {
        accept: 'text/event-stream',
        ...(payload !== undefined && typeof body !== 'string'
          ? { 'content-type': 'application/json' }
          : {}),
        ...headers,
      },
    });
    const timer = setTimeout(() => {
      request.destroy();
      reject(
        new Error(
          `collectEvents: ${method} ${path} timed out after ${timeoutMs} ms with ${stream.events.length} event(s)`,
        ),
      );
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      request.destroy();
      resolve(stream);
    };
    const parser = createParser({
      onEvent: ({ event, id, data }) => {
        stream.events.push({ event, id, data, retry });
        if (stream.events.length === count) done();
      },
      onRetry: (value) => (retry = value),
      onComment: (comment) => stream.comments.push(comment.trimStart()),
    });
    request.on('response', (response) => {
      stream.status = response.statusCode ?? 0;
      stream.headers = response.headers;
      response.setEncoding('utf8');
      if (!String(response.headers['content-type']).startsWith('text/event-stream')) {
        let text = '';
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          clearTimeout(timer);
          reject(
            new Error(
              `collectEvents: ${method} ${path} answered ${stream.status} ${response.headers['content-type']}: ${text}`,
            ),
          );
        });
        return;
      }
      response.on('data', (chunk: string) => parser.feed(chunk));
      response.on('end', done);
    });
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(payload);
  });
}

function baseUrl(target: StreamTarget): string {
  if (typeof target === 'string') return target;
  const server = ('getHttpServer' in target ? target.getHttpServer() : target) as Server;
  const address = server.address() as AddressInfo | null;
  if (!address)
    throw new Error('collectEvents: the server is not listening (call app.listen(0) first)');
  const host =
    address.family === 'IPv6'
      ? `[${address.address === '::' ? '::1' : address.address}]`
      : address.address === '0.0.0.0'
        ? '127.0.0.1'
        : address.address;
  return `http://${host}:${address.port}`;
}
