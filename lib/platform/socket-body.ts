import { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { RawResponse } from './raw-http.js';

/** Below this many characters, a chunk goes out with its framing in one string. */
const ONE_STRING_CHUNK = 4096;

/**
 * A response's body written straight to its socket, past `ServerResponse.write()`,
 * which costs four `_send()`s per write and about fifteen property reads of the
 * response: on Express's responses, each its own hidden class (Express gives every
 * one a new prototype), those reads all miss V8's caches, and a fan-out spent most
 * of its time there. Only where nothing else needs to see the writes: a Node HTTP/1
 * response with its headers out, a body to send, and no wrapper of `write()`
 * (a compressor, a logger).
 */
export class SocketBody {
  private constructor(
    private readonly socket: Socket,
    /** HTTP/1.1 frames each write as a chunk; an HTTP/1.0 body runs until the close. */
    private readonly chunked: boolean,
  ) {}

  /** The body of `res` on its socket, or undefined where writes must go through `res`. */
  static of(res: RawResponse): SocketBody | undefined {
    if (!(res instanceof ServerResponse) || res.write !== ServerResponse.prototype.write) return;
    // Node sends the headers with the first write (`headersSent` is true from writeHead()
    // on); the socket is the response's own only while it is the connection's current
    // response. Node's own fields, read defensively: where they are missing, writes go
    // through the response.
    const { socket, chunkedEncoding } = res;
    const headerSent = (res as { _headerSent?: unknown })._headerSent === true;
    if (!headerSent || !socket || res.writableEnded || typeof chunkedEncoding !== 'boolean') return;
    // No body allowed: Node drops what is written, the socket would not.
    if (res.statusCode === 204 || res.statusCode === 304 || res.req?.method === 'HEAD') return;
    return new SocketBody(socket, chunkedEncoding);
  }

  /** Like `write()`: false once the socket's buffer is full ('drain' on the socket follows). */
  write(chunk: string): boolean {
    if (!this.chunked) return this.socket.write(chunk);
    const size = `${Buffer.byteLength(chunk).toString(16)}\r\n`;
    // A small chunk (a fan-out's event) costs least copied into one string, one write; a
    // batch of a burst (a long rope of frames) would be copied whole again: it is written
    // as it is between its size line and CRLF, corked into one system call, as Node does.
    if (chunk.length < ONE_STRING_CHUNK) return this.socket.write(`${size}${chunk}\r\n`);
    const { socket } = this;
    socket.cork();
    socket.write(size, 'latin1');
    socket.write(chunk);
    const written = socket.write('\r\n', 'latin1');
    socket.uncork();
    return written;
  }

  onceDrained(listener: () => void): void {
    this.socket.once('drain', listener);
  }
}
