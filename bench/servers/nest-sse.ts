// NestJS's own @Sse() on Express: the route returns an Observable.
import { Controller, Get, Module, Query, Sse, type MessageEvent } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { instanceToPlain } from 'class-transformer';
import { map, Observable, range, Subject } from 'rxjs';
import { announce, EventDto, memoryReport, plainEvent, publishSeries } from './common.js';

const published = new Subject<MessageEvent>();

@Controller()
class BenchController {
  @Sse('burst/plain')
  plain(@Query('n') n = '200000'): Observable<MessageEvent> {
    return range(0, Number(n)).pipe(map((i) => ({ data: plainEvent(i) })));
  }

  @Sse('burst/dto')
  dto(@Query('n') n = '200000'): Observable<MessageEvent> {
    return range(0, Number(n)).pipe(map((i) => ({ data: instanceToPlain(new EventDto(i)) })));
  }

  @Sse('subscribe')
  subscribe(): Observable<MessageEvent> {
    return published.asObservable();
  }

  @Get('publish')
  publish(@Query('count') count = '50', @Query('interval') interval = '20'): string {
    publishSeries(Number(count), Number(interval), (k, t) => published.next({ data: { k, t } }));
    return 'ok';
  }

  @Get('memory')
  memory() {
    return memoryReport();
  }
}

@Module({ controllers: [BenchController] })
class BenchModule {}

const app = await NestFactory.create(BenchModule, { logger: false });
await app.listen(0, '127.0.0.1');
announce(app.getHttpServer());
