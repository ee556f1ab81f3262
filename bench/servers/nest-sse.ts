// NestJS's own @Sse() on Express: the route returns an Observable.
import { Controller, Get, Query, Sse, type MessageEvent } from '@nestjs/common';
import { instanceToPlain } from 'class-transformer';
import { map, Observable, range, Subject } from 'rxjs';
import { EventDto, plainEvent, publishSeries } from './common.js';
import { startNest } from './start-nest.js';

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
}

await startNest([BenchController]);
