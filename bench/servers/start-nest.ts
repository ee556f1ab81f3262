// The NestJS servers start alike: their controllers plus the memory report, on Express,
// or on Fastify with ADAPTER=fastify.
import { Controller, Get, Module, Query, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { writeHeapSnapshot } from 'node:v8';
import { announce, cpuReport, memoryReport } from './common.js';

@Controller()
class MemoryController {
  @Get('memory')
  memory() {
    return memoryReport();
  }

  @Get('cpu')
  cpu() {
    return cpuReport();
  }

  // For `npm run bench:heap`: a snapshot after the same forced GCs as the memory report.
  @Get('heap-snapshot')
  heapSnapshot(@Query('file') file: string) {
    memoryReport();
    return { file: writeHeapSnapshot(file) };
  }
}

@Module({})
class BenchModule {}

export async function startNest(controllers: Type[], imports: DynamicModule[] = []): Promise<void> {
  const module: DynamicModule = {
    module: BenchModule,
    imports,
    controllers: [...controllers, MemoryController],
  };
  const app =
    process.env.ADAPTER === 'fastify'
      ? await NestFactory.create(module, new FastifyAdapter(), { logger: false })
      : await NestFactory.create(module, { logger: false });
  await app.listen(0, '127.0.0.1');
  announce(app.getHttpServer());
}
