import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { platformOf } from '../platform/index.js';
import { streamAbortController } from '../stream/stream-signal.js';

/**
 * An AbortSignal that aborts when the client disconnects or the stream ends, so a
 * method parked on a long `await` (a database, an LLM call) can stop too.
 */
export const EventStreamSignal: () => ParameterDecorator = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AbortSignal => {
    const http = context.switchToHttp();
    const request = platformOf(http.getResponse<object>()).rawRequest(http.getRequest<object>());
    return streamAbortController(request).signal;
  },
);
