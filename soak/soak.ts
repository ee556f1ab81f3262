// npm run soak: connect → receive → abort, thousands of times, against generator,
// Observable and EventHub routes, and clients that abort during a slow guard or
// interceptor; then checks that nothing is left behind: heap back near its baseline, no
// handle, timer or listener more than before, every generator's `finally` run, every
// Observable torn down, every hub subscription freed.
import 'reflect-metadata';
import {
  Controller,
  Get,
  Injectable,
  Module,
  UseGuards,
  UseInterceptors,
  type CallHandler,
  type CanActivate,
  type NestInterceptor,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { from, interval, map, Observable, switchMap } from 'rxjs';
import { EventHub, EventStream, EventStreamModule } from '../lib/index.js';

const CYCLES = Number(process.env.SOAK_CYCLES ?? 10_000);
const SETUP_ABORTS = Number(process.env.SOAK_SETUP_ABORTS ?? 1_000);
const CONCURRENCY = 50;
const gc = globalThis.gc;
if (!gc) throw new Error('run with --expose-gc (npm run soak does)');

const counts = { generatorsStarted: 0, generatorsFinished: 0, subscribed: 0, tornDown: 0 };

class SlowGuard implements CanActivate {
  async canActivate(): Promise<boolean> {
    await sleep(20);
    return true;
  }
}

@Injectable()
class SlowInterceptor implements NestInterceptor {
  intercept(_context: unknown, next: CallHandler): Observable<unknown> {
    return from(sleep(20)).pipe(switchMap(() => next.handle()));
  }
}

@Controller()
class SoakController {
  constructor(private readonly hub: EventHub) {}

  @Get('hub')
  @EventStream()
  subscribe() {
    return this.hub.subscribe('soak');
  }

  @Get('generator')
  @EventStream()
  async *generator() {
    counts.generatorsStarted++;
    try {
      for (let i = 0; ; i++) {
        yield { i };
        await sleep(5);
      }
    } finally {
      counts.generatorsFinished++;
    }
  }

  @Get('observable')
  @EventStream()
  observable() {
    return new Observable<{ i: number }>((subscriber) => {
      counts.subscribed++;
      const subscription = interval(5)
        .pipe(map((i) => ({ i })))
        .subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        counts.tornDown++;
      };
    });
  }

  @Get('slow-guard')
  @UseGuards(SlowGuard)
  @EventStream()
  slowGuard() {
    return this.generator();
  }

  @Get('slow-interceptor')
  @EventStream()
  @UseInterceptors(SlowInterceptor)
  slowInterceptor() {
    return this.generator();
  }
}

@Module({
  imports: [EventStreamModule.forRoot()],
  controllers: [SoakController],
  providers: [SlowInterceptor],
})
class SoakModule {}

/** One client: connects, waits for the first event (or `abortAfterMs`), then aborts. */
function cycle(url: string, path: string, abortAfterMs?: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request(`${url}${path}`, { agent: false }, (res) => {
      res.once('data', () => req.destroy());
    });
    req.on('close', resolve);
    req.on('error', () => undefined);
    req.end();
    if (abortAfterMs !== undefined) setTimeout(() => req.destroy(), abortAfterMs);
  });
}

async function run(url: string, total: number, next: (i: number) => Promise<void>): Promise<void> {
  let started = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (started < total) await next(started++);
    }),
  );
}

/** Waits (up to 5 s) for in-flight work to wind down: guards still sleeping, sockets closing. */
async function settle(done: () => boolean): Promise<void> {
  const allSettled = () =>
    counts.generatorsStarted === counts.generatorsFinished &&
    counts.subscribed === counts.tornDown &&
    hub.subscriberCount === 0 &&
    done();
  for (let i = 0; i < 100 && !allSettled(); i++) await sleep(50);
  for (let i = 0; i < 3; i++) {
    gc!();
    await sleep(20);
  }
}

/** Listeners on the server and on the process: a leak per connection would show here. */
function listeners(): number {
  const on = (emitter: NodeJS.EventEmitter) =>
    emitter.eventNames().reduce((sum, name) => sum + emitter.listenerCount(name), 0);
  return on(server) + on(process);
}

function resources(): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) tally[name] = (tally[name] ?? 0) + 1;
  return tally;
}

const started = performance.now();
const app =
  process.env.ADAPTER === 'fastify'
    ? await NestFactory.create(SoakModule, new FastifyAdapter(), { logger: ['error', 'warn'] })
    : await NestFactory.create(SoakModule, { logger: ['error', 'warn'] });
await app.listen(0, '127.0.0.1');
const server = app.getHttpServer() as Server;
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const paths = ['/generator', '/observable', '/hub'];
const hub = app.get(EventHub);
let published = 0;
const publisher = setInterval(() => void hub.publish('soak', { tick: published++ }), 5);
const idle = JSON.stringify(resources());
const isIdle = () => JSON.stringify(resources()) === idle;

// Warm up, so that lazily built things (route caches, JIT) count in the baseline.
const abortDuringSetup = (i: number) =>
  cycle(url, i % 2 ? '/slow-guard' : '/slow-interceptor', 5 + (i % 10));
await run(url, 2_000, (i) => cycle(url, paths[i % paths.length]));
await run(url, 200, abortDuringSetup);
await settle(isIdle);
const baseline = {
  heap: process.memoryUsage().heapUsed,
  resources: resources(),
  listeners: listeners(),
};

await run(url, CYCLES, (i) => cycle(url, paths[i % paths.length]));
await run(url, SETUP_ABORTS, abortDuringSetup);
await settle(isIdle);
const after = {
  heap: process.memoryUsage().heapUsed,
  resources: resources(),
  listeners: listeners(),
};
clearInterval(publisher);

const heapGrowth = (after.heap - baseline.heap) / baseline.heap;
const checks: Array<[string, boolean, string]> = [
  [
    'heap within 5% of baseline',
    heapGrowth <= 0.05,
    `${(baseline.heap / 1e6).toFixed(1)} MB → ${(after.heap / 1e6).toFixed(1)} MB (${(heapGrowth * 100).toFixed(2)}%)`,
  ],
  [
    'no handle or timer left',
    JSON.stringify(after.resources) === JSON.stringify(baseline.resources),
    `${JSON.stringify(baseline.resources)} → ${JSON.stringify(after.resources)}`,
  ],
  [
    'no listener left',
    after.listeners === baseline.listeners,
    `server and process listeners ${baseline.listeners} → ${after.listeners}`,
  ],
  [
    'every generator finished',
    counts.generatorsStarted === counts.generatorsFinished,
    `${counts.generatorsFinished}/${counts.generatorsStarted}`,
  ],
  [
    'every Observable torn down',
    counts.subscribed === counts.tornDown,
    `${counts.tornDown}/${counts.subscribed}`,
  ],
  [
    'every hub subscription freed',
    hub.subscriberCount === 0,
    `${hub.subscriberCount} left, ${published} events published`,
  ],
];
await app.close();
console.log(
  `soak (${process.env.ADAPTER ?? 'express'}): ${CYCLES} connect → receive → abort cycles, ${SETUP_ABORTS} aborts during setup, ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
for (const [name, ok, figures] of checks)
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${figures}`);
process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
