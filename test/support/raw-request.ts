import { connect } from 'node:net';

/**
 * Sends bytes as they are (a client need not be well-behaved) and returns the whole answer.
 * `halfClose: false` keeps the sending side open (an HTTP/1.0 server ends a stream at a FIN).
 */
export function rawRequest(
  url: string,
  request: Buffer | string,
  { halfClose = true }: { halfClose?: boolean } = {},
): Promise<string> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    if (halfClose) socket.end(request);
    else socket.write(request);
  });
}
