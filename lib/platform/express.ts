import type { HttpPlatform } from './http-platform.js';
import type { RawRequest, RawResponse } from './raw-http.js';

function ignoreReply(this: unknown): unknown {
  return this;
}

/** Express extends Node's request and response, so they are the raw ones. */
export const expressPlatform: HttpPlatform = {
  rawRequest: (request) => request as RawRequest,
  rawResponse: (response) => response as RawResponse,
  setStatus(response, status) {
    (response as RawResponse).statusCode = status;
  },
  takeOver(response) {
    // Nest's Express adapter replies with `send()` (or `json()`, which calls it), which
    // would end the stream. Shadowed on this one response only.
    Object.defineProperty(response, 'send', { value: ignoreReply });
    Object.defineProperty(response, 'json', { value: ignoreReply });
  },
};
