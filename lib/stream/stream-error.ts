import { HttpException, HttpStatus } from '@nestjs/common';
import type { StreamErrorBody } from '../interfaces/event-stream-options.interface.js';

/**
 * The body Nest's base exception filter would send for this error: an
 * HttpException's response, an http-errors style error's status and message, and for
 * anything else a generic 500 that reveals nothing of it.
 */
export function renderStreamError(error: unknown): StreamErrorBody {
  if (error instanceof HttpException) {
    const response = error.getResponse();
    return typeof response === 'object' && response !== null
      ? (response as StreamErrorBody)
      : { statusCode: error.getStatus(), message: response };
  }
  if (isHttpError(error)) return { statusCode: error.statusCode, message: error.message };
  return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error' };
}

function isHttpError(error: unknown): error is { statusCode: number; message: string } {
  const candidate = error as { statusCode?: unknown; message?: unknown } | null;
  return (
    !!candidate &&
    typeof candidate.statusCode === 'number' &&
    typeof candidate.message === 'string' &&
    !!candidate.message
  );
}
