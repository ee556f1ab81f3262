/** The part of Node's `IncomingMessage` (HTTP/1) and `Http2ServerRequest` the stream reads. */
export interface RawRequest {
  method?: string;
  httpVersion: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The part of Node's `ServerResponse` (HTTP/1) and `Http2ServerResponse` the stream uses. */
export interface RawResponse {
  statusCode: number;
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  readonly writableLength?: number;
  readonly destroyed?: boolean;
  setHeader(name: string, value: string | string[]): unknown;
  removeHeader(name: string): void;
  writeHead(statusCode: number, headers: Record<string, string>): unknown;
  flushHeaders(): void;
  write(chunk: string): boolean;
  end(): unknown;
  destroy(error?: Error): unknown;
  on(event: 'close', listener: (this: RawResponse) => void): unknown;
  once(event: 'drain', listener: (this: RawResponse) => void): unknown;
  /**
   * Added by compression middleware. `Cache-Control: no-transform` already keeps
   * `compression` off the stream; one that compresses anyway holds output until flushed.
   */
  flush?: () => void;
  /** The connection (HTTP/1); TCP keep-alive finds peers that vanished. */
  readonly socket?: { setKeepAlive?(enable: boolean, initialDelay: number): unknown } | null;
}
