// The baseline: node:http, one res.write per event, waiting for 'drain' when told to.
import { createServer, type ServerResponse } from 'node:http';
import {
  announce,
  cpuReport,
  memoryReport,
  param,
  publishSeries,
  SSE_HEADERS,
  writeBurst,
  writeToAll,
} from './common.js';

const subscribers = new Set<ServerResponse>();
const server = createServer(async (req, res) => {
  const path = new URL(req.url!, 'http://x').pathname;
  if (path === '/memory') return res.end(JSON.stringify(memoryReport()));
  if (path === '/cpu') return res.end(JSON.stringify(cpuReport()));
  if (path === '/publish') {
    publishSeries(param(req.url, 'count', 50), param(req.url, 'interval', 20), (k, t) =>
      writeToAll(subscribers, { k, t }),
    );
    return res.end('ok');
  }
  res.writeHead(200, SSE_HEADERS);
  if (path === '/subscribe') {
    subscribers.add(res);
    res.on('close', () => subscribers.delete(res));
    return res.flushHeaders();
  }
  await writeBurst(res, param(req.url, 'n', 200_000), path === '/burst/dto');
});
server.listen(0, '127.0.0.1', () => announce(server));
