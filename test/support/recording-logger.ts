import type { LoggerService } from '@nestjs/common';

/** A Nest logger that keeps what it is given, for assertions. */
export class RecordingLogger implements LoggerService {
  readonly entries: Array<{ level: string; message: string; detail: string }> = [];

  log(): void {}
  debug(): void {}
  verbose(): void {}
  error(message: unknown, ...rest: unknown[]): void {
    this.record('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.record('warn', message, rest);
  }

  private record(level: string, message: unknown, rest: unknown[]): void {
    this.entries.push({ level, message: String(message), detail: rest.map(String).join('\n') });
  }
}
