import { afterAll } from '@jest/globals';

// Any unhandled rejection or uncaught exception while a test file runs fails that file:
// the library must never let one escape, whatever a route or a client does.
const escaped: unknown[] = [];
const record = (error: unknown): void => {
  escaped.push(error);
};
process.on('unhandledRejection', record);
process.on('uncaughtException', record);

afterAll(() => {
  process.off('unhandledRejection', record);
  process.off('uncaughtException', record);
  if (escaped.length > 0) {
    throw new Error(
      `${escaped.length} unhandled error(s) escaped: ${escaped.map((e) => (e as Error)?.stack ?? String(e)).join('\n')}`,
    );
  }
});
