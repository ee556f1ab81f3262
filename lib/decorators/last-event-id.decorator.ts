import {
  createParamDecorator,
  type ExecutionContext,
  type PipeTransform,
  type Type,
} from '@nestjs/common';
import { LAST_EVENT_ID_HEADER } from '../event-stream.constants.js';
import { documentLastEventId } from '../swagger/index.js';

const lastEventIdParam = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined => {
    const value = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers[
      LAST_EVENT_ID_HEADER
    ];
    return Array.isArray(value) ? value[0] : value;
  },
);

/**
 * The `Last-Event-ID` header a reconnecting `EventSource` sends (`undefined` on a
 * first connection), through the given pipes like `@Headers()`:
 * `@LastEventId(ParseIntPipe)` answers 400 on a bad value before any stream starts.
 */
export function LastEventId(
  ...pipes: Array<Type<PipeTransform> | PipeTransform>
): ParameterDecorator {
  const param = lastEventIdParam(undefined, ...pipes);
  return (target, propertyKey, index) => {
    param(target, propertyKey, index);
    if (propertyKey !== undefined) documentLastEventId(target, propertyKey);
  };
}
