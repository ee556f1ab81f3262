import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';

// ioredis is an optional peer: loaded when a RedisEventStore is made, so that apps
// without it can import the package.
const load = createRequire(import.meta.url);

/** ioredis' client class, or a clear error naming the package to install. */
export function loadRedisClient(): new (url?: string) => Redis {
  try {
    return (load('ioredis') as { Redis: new (url?: string) => Redis }).Redis;
  } catch (error) {
    throw new Error('RedisEventStore needs the "ioredis" package: npm install ioredis', {
      cause: error,
    });
  }
}
