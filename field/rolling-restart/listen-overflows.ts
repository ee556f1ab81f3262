// The kernel's count of connections dropped because a listener's accept queue was full
// (TcpExt ListenOverflows, for the whole network namespace): a herd of reconnects that
// an instance could not accept in time. nginx sees those as connect timeouts.
import { readFileSync } from 'node:fs';

export function listenOverflows(): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const names = lines.findIndex((line) => line.startsWith('TcpExt:'));
  const fields = lines[names].split(/\s+/);
  const values = lines[names + 1].split(/\s+/);
  return Number(values[fields.indexOf('ListenOverflows')]);
}
