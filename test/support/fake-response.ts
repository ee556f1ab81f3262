import { EventEmitter } from 'node:events';
import type { RawResponse } from '../../lib/platform/index.js';

/** A Node response without a socket: records what the stream does to it. */
export class FakeResponse extends EventEmitter implements RawResponse {
  statusCode = 200;
  headersSent = false;
  writableEnded = false;
  writableLength = 0;
  destroyed = false;
  readonly headers = new Map<string, string | string[]>();
  readonly chunks: string[] = [];
  /** What `write()` answers: false plays a full socket. */
  accepts = true;

  setHeader(name: string, value: string | string[]): void {
    if (this.headersSent) throw new Error('headers already sent');
    this.headers.set(name.toLowerCase(), value);
  }
  removeHeader(name: string): void {
    this.headers.delete(name.toLowerCase());
  }
  writeHead(statusCode: number, headers: Record<string, string>): void {
    this.statusCode = statusCode;
    for (const [name, value] of Object.entries(headers)) this.setHeader(name, value);
  }
  flushHeaders(): void {
    this.headersSent = true;
  }
  write(chunk: string): boolean {
    this.headersSent = true;
    this.chunks.push(chunk);
    return this.accepts;
  }
  end(): void {
    this.headersSent = true;
    this.writableEnded = true;
    this.emit('close');
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
  /** The client took everything. */
  drain(): void {
    this.accepts = true;
    this.emit('drain');
  }
  get body(): string {
    return this.chunks.join('');
  }
}
