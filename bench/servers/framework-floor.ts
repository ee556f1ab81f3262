// Not a contender: the least a NestJS app costs per SSE connection on Express or Fastify
// (ADAPTER=fastify), @Res() routes that write SSE by hand as raw node:http does (one
// write per event, headers by hand, no encoder beyond JSON.stringify). Its figures are
// the floor any SSE layer on that framework starts from.
import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { publishSeries, SSE_HEADERS, writeBurst, writeToAll } from './common.js';
import { startNest } from './start-nest.js';

const open = new Set<ServerResponse>();

type Reply = ServerResponse | { raw: ServerResponse; hijack(): void };

/** Node's response behind Express's (itself) or Fastify's reply, taken from the framework. */
function takeOver(reply: Reply): ServerResponse {
  if ('hijack' in reply) reply.hijack();
  const response = 'raw' in reply ? reply.raw : reply;
  response.writeHead(200, SSE_HEADERS);
  return response;
}

@Controller()
class FloorController {
  @Get('subscribe')
  subscribe(@Res() reply: Reply): void {
    const response = takeOver(reply);
    response.flushHeaders();
    open.add(response);
    response.on('close', () => open.delete(response));
  }

  @Get('burst/:kind')
  async burst(@Res() reply: Reply, @Param('kind') kind: string, @Query('n') n = '200000') {
    await writeBurst(takeOver(reply), Number(n), kind === 'dto');
  }

  @Get('publish')
  publish(@Query('count') count = '50', @Query('interval') interval = '20'): string {
    publishSeries(Number(count), Number(interval), (k, t) => writeToAll(open, { k, t }));
    return 'ok';
  }
}

await startNest([FloorController]);
