import type { RawRequest, RawResponse } from './raw-http.js';

/**
 * What the stream needs to know of the HTTP framework under Nest: where Node's own
 * request and response are, and how a response is taken from the framework.
 */
export interface HttpPlatform {
  /** Node's request behind the framework's (the key the request's AbortSignal is kept by). */
  rawRequest(request: object): RawRequest;
  /** Node's response behind the framework's: what the stream writes to. */
  rawResponse(response: object): RawResponse;
  /** Sets the status of the answer, whichever way it goes out (JSON or stream). */
  setStatus(response: object, status: number): void;
  /**
   * Just before the stream's headers go out: the framework hands the response over,
   * and the reply Nest still makes (the route is `passthrough`, so that a JSON answer
   * takes Nest's ordinary path) does nothing.
   */
  takeOver(response: object, raw: RawResponse): void;
}
