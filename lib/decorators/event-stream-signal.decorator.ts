import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { streamAbortController } from '../stream/stream-signal.js';

/**
 * An AbortSignal that aborts when the client disconnects or the stream ends, so a
 * method parked on a long `await` (a database, an LLM call) can stop too.
 */
export const EventStreamSignal: () => ParameterDecorator = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AbortSignal => {
    const request = context.switchToHttp().getRequest<{ raw?: object }>();
    return streamAbortController(request.raw ?? request).signal;
  },
);
