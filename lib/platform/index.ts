import { expressPlatform } from './express.js';
import { fastifyPlatform, isFastifyReply } from './fastify.js';
import type { HttpPlatform } from './http-platform.js';

export type { HttpPlatform } from './http-platform.js';
export type { RawRequest, RawResponse } from './raw-http.js';

/** The platform a response belongs to: Fastify's reply, or else Express (Node's own). */
export function platformOf(response: object): HttpPlatform {
  return isFastifyReply(response) ? fastifyPlatform : expressPlatform;
}
