// Not a contender: the least a NestJS app holds per idle SSE connection on Express or
// Fastify (ADAPTER=fastify), a @Res() route that writes the headers and keeps the
// response. Its memory figure is the floor any SSE layer on that framework starts from.
import { Controller, Get, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { startNest } from './start-nest.js';

const open = new Set<ServerResponse>();

@Controller()
class FloorController {
  @Get('subscribe')
  subscribe(@Res() reply: ServerResponse | { raw: ServerResponse; hijack(): void }): void {
    if ('hijack' in reply) reply.hijack();
    const response = 'raw' in reply ? reply.raw : reply;
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.flushHeaders();
    open.add(response);
    response.on('close', () => open.delete(response));
  }
}

await startNest([FloorController]);
