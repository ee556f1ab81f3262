// The baseline: node:http, one res.write per event, waiting for 'drain' when told to.
import { createServer, type ServerResponse } from 'node:http';
import { instanceToPlain } from 'class-transformer';
import {
  announce,
  cpuReport,
  EventDto,
  memoryReport,
  param,
  plainEvent,
  publishSeries,
} from './common.js';

const subscribers = new Set<ServerResponse>();
const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
};

const server = createServer(async (req, res) => {
  const path = new URL(req.url!, 'http://x').pathname;
  if (path === '/memory') return res.end(JSON.stringify(memoryReport()));
  if (path === '/cpu') return res.end(JSON.stringify(cpuReport()));
  if (path === '/publish') {
    publishSeries(param(req.url, 'count', 50), param(req.url, 'interval', 20), (k, t) => {
      const frame = `data: ${JSON.stringify({ k, t })}\n\n`;
      for (const subscriber of subscribers) subscriber.write(frame);
    });
    return res.end('ok');
  }
  res.writeHead(200, SSE_HEADERS);
  if (path === '/subscribe') {
    subscribers.add(res);
    res.on('close', () => subscribers.delete(res));
    return res.flushHeaders();
  }
  const n = param(req.url, 'n', 200_000);
  const dto = path === '/burst/dto';
  for (let i = 0; i < n && !res.destroyed; i++) {
    const data = dto ? instanceToPlain(new EventDto(i)) : plainEvent(i);
    if (!res.write(`data: ${JSON.stringify(data)}\n\n`))
      await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
});
server.listen(0, '127.0.0.1', () => announce(server));
