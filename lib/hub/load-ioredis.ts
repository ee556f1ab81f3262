import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';

// ioredis is an optional peer: loaded when a RedisEventStore is made, so that apps
// without it can import the package.
const load = createRequire(import.meta.url);

function loadFromIoRedis<T>(get: () => T): T {
  try {
    return get();
  } catch (error) {
    throw new Error('RedisEventStore needs the "ioredis" package: npm install ioredis', {
      cause: error,
    });
  }
}

/** ioredis' client class, or a clear error naming the package to install. */
export function loadRedisClient(): new (url?: string) => Redis {
  return loadFromIoRedis(() => (load('ioredis') as { Redis: new (url?: string) => Redis }).Redis);
}

/** The hash slot of a key: cluster-key-slot, the function ioredis' Cluster routes with. */
export function loadKeySlot(): (key: string) => number {
  return loadFromIoRedis(
    () => createRequire(load.resolve('ioredis'))('cluster-key-slot') as (key: string) => number,
  );
}
