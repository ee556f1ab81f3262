import type { HttpPlatform } from './http-platform.js';
import type { RawRequest, RawResponse } from './raw-http.js';

interface FastifyReply {
  raw: RawResponse;
  status(code: number): unknown;
  getHeaders(): Record<string, string | number | string[] | undefined>;
  hijack(): void;
}

export function isFastifyReply(response: object): boolean {
  return typeof (response as Partial<FastifyReply>).hijack === 'function' && 'raw' in response;
}

function ignoreReply(this: unknown): unknown {
  return this;
}

/** Fastify wraps Node's request and response (`.raw`). */
export const fastifyPlatform: HttpPlatform = {
  rawRequest: (request) => (request as { raw: RawRequest }).raw,
  rawResponse: (response) => (response as FastifyReply).raw,
  setStatus(response, status) {
    (response as FastifyReply).status(status);
  },
  // Headers set through Fastify (`@Header()`, CORS, hooks) wait on the reply until
  // Fastify sends it; the stream writes to the raw response, so they move there, and
  // Fastify is told it no longer answers. Its `send()` on a hijacked reply would log a
  // warning for Nest's reply: shadowed on this one reply.
  takeOver(response, raw) {
    const reply = response as FastifyReply;
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) raw.setHeader(name, Array.isArray(value) ? value : String(value));
    }
    reply.hijack();
    Object.defineProperty(reply, 'send', { value: ignoreReply });
  },
};
