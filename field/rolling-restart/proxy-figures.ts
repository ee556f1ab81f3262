// What nginx saw of one scenario's channel: the answers it gave, the requests it passed
// on to another instance, and the upstream failures it logged.
import type { NginxLogs } from './nginx.js';

export interface ProxyFigures {
  requests: number;
  /** Status → requests answered with it. */
  statuses: Record<string, number>;
  /** Requests nginx tried on more than one instance (proxy_next_upstream). */
  passedOn: number;
  /** Upstream failures in the error log, by kind. */
  upstreamErrors: Record<string, number>;
}

const UPSTREAM_ERROR =
  /(no live upstreams|connect\(\) failed|upstream timed out|upstream prematurely closed connection)/;

export function proxyFigures(logs: NginxLogs, channel: string): ProxyFigures {
  const path = `/channels/${channel}`;
  const figures: ProxyFigures = { requests: 0, statuses: {}, passedOn: 0, upstreamErrors: {} };
  for (const entry of logs.access) {
    if (entry.uri !== path) continue;
    figures.requests++;
    figures.statuses[entry.status] = (figures.statuses[entry.status] ?? 0) + 1;
    if (entry.upstreams.length > 1) figures.passedOn++;
  }
  for (const line of logs.errors.split('\n')) {
    const kind = UPSTREAM_ERROR.exec(line)?.[1];
    if (kind && line.includes(`"GET ${path} `))
      figures.upstreamErrors[kind] = (figures.upstreamErrors[kind] ?? 0) + 1;
  }
  return figures;
}
