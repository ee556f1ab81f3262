// Not a contender: the least a NestJS app holds per idle SSE connection on Express or
// Fastify (ADAPTER=fastify), a @Res() route that writes the headers and keeps the
// response. Its memory figure is the floor any SSE layer on that framework starts from.
import { Controller, Get, Module, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { ServerResponse } from 'node:http';
import { announce, memoryReport } from './common.js';

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

  @Get('memory')
  memory() {
    return memoryReport();
  }
}

@Module({ controllers: [FloorController] })
class FloorModule {}

const app =
  process.env.ADAPTER === 'fastify'
    ? await NestFactory.create(FloorModule, new FastifyAdapter(), { logger: false })
    : await NestFactory.create(FloorModule, { logger: false });
await app.listen(0, '127.0.0.1');
announce(app.getHttpServer());
