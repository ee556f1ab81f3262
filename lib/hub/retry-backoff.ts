import type { Logger } from '@nestjs/common';

/** Delays before each retry: `initial` ms, doubling, never more than `max`. */
export const RETRY_DELAYS = { initial: 100, max: 5000 };

/** The delay before retry number `retry` (0 for the first). */
export function retryDelay(retry: number): number {
  const { initial, max } = RETRY_DELAYS;
  return Math.min(initial * 2 ** Math.min(retry, 16), max);
}

/**
 * A Redis error's code (its first word: WRONGTYPE, NOPERM, MOVED …), else a system
 * error's code (ECONNREFUSED …), else the error's name.
 */
export function errorKind(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  return (
    /^([A-Z][A-Z_]+)\b/.exec(error.message)?.[1] ?? (typeof code === 'string' ? code : error.name)
  );
}

/**
 * The retries of a failing read: delays grow exponentially up to a cap and start over
 * after a success, and each kind of error is logged once until then, so a persistent
 * error neither spins nor floods the log.
 */
export class RetryBackoff {
  private failures = 0;
  private readonly logged = new Set<string>();

  constructor(
    private readonly logger: Logger,
    /** What recovers, for the log: `the subscriptions on 127.0.0.1:6379`. */
    private readonly subject: string,
  ) {}

  /** Logs `error` (once per kind until the next success), without counting a failure. */
  report(error: unknown, what: string): void {
    const kind = errorKind(error);
    if (this.logged.has(kind)) return;
    this.logged.add(kind);
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn(`${what} failed (${message}); retrying with back-off`);
  }

  /** Records a failure and returns the milliseconds to wait before the next try. */
  failed(error: unknown, what: string): number {
    this.report(error, what);
    return retryDelay(this.failures++);
  }

  succeeded(): void {
    if (this.failures > 0 || this.logged.size > 0) this.logger.log(`${this.subject} recovered`);
    this.failures = 0;
    this.logged.clear();
  }
}
