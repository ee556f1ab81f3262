import { connect } from 'node:net';

/** Sends bytes as they are (a client need not be well-behaved) and returns the whole answer. */
export function rawRequest(url: string, request: Buffer | string): Promise<string> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.end(request);
  });
}
