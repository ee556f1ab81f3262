import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/** OpenAI's error object for Nest's error body, so that the SDK's errors carry the message. */
export function openAiError({ statusCode, message }: { statusCode: number; message: unknown }) {
  return {
    message: Array.isArray(message) ? message.join('; ') : String(message),
    type: statusCode < 500 ? 'invalid_request_error' : 'server_error',
    param: null,
    code: null,
  };
}

/** HTTP errors (a failed ValidationPipe: 400) as OpenAI answers them: `{ error: { … } }`. */
@Catch(HttpException)
export class OpenAiErrorFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: HttpException, host: ArgumentsHost): void {
    const statusCode = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'string' ? response : (response as { message?: unknown }).message;
    this.adapterHost.httpAdapter.reply(
      host.switchToHttp().getResponse(),
      { error: openAiError({ statusCode, message }) },
      statusCode,
    );
  }
}
