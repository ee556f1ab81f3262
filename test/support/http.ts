import { request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RawRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Resolve (and disconnect) as soon as the body so far satisfies this. */
  until?: (body: string) => boolean;
}

/** One HTTP exchange on a real socket, with the body exactly as the server wrote it. */
export function fetchRaw(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const { method = 'GET', headers = {}, body, until } = options;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method,
      headers: payload === undefined ? headers : { 'content-type': 'application/json', ...headers },
    });
    req.on('response', (res: IncomingMessage) => {
      const result: RawResponse = { status: res.statusCode ?? 0, headers: res.headers, body: '' };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        result.body += chunk;
        if (until?.(result.body)) {
          req.destroy();
          resolve(result);
        }
      });
      res.on('end', () => resolve(result));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}
