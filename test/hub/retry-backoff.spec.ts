import { describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { RETRY_DELAYS, RetryBackoff, errorKind } from '../../lib/hub/retry-backoff.js';
import { RecordingLogger } from '../support/recording-logger.js';

describe('RetryBackoff', () => {
  const backoffWithLog = () => {
    const recorder = new RecordingLogger();
    Logger.overrideLogger(recorder);
    return {
      backoff: new RetryBackoff(new Logger('RedisEventStore'), 'the subscriptions on redis'),
      recorder,
    };
  };

  it('doubles the delay from the first up to the cap, and starts over after a success', () => {
    const { backoff } = backoffWithLog();
    const error = new Error('CLUSTERDOWN The cluster is down');
    const delays = Array.from({ length: 10 }, () => backoff.failed(error, 'reading'));
    expect(delays).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000, 5000]);
    expect(RETRY_DELAYS).toEqual({ initial: 100, max: 5000 });
    backoff.succeeded();
    expect(backoff.failed(error, 'reading')).toBe(100);
  });

  it('logs each kind of error once, with what failed, until a success', () => {
    const { backoff, recorder } = backoffWithLog();
    for (let i = 0; i < 50; i++) {
      backoff.failed(new Error('NOPERM no permissions'), 'reading channel "a"');
      backoff.failed(new Error('LOADING Redis is loading'), 'reading channel "b"');
    }
    expect(recorder.entries).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: 'reading channel "a" failed (NOPERM no permissions); retrying with back-off',
      }),
      expect.objectContaining({ level: 'warn', message: expect.stringContaining('"b" failed') }),
    ]);
    backoff.succeeded();
    backoff.failed(new Error('NOPERM no permissions'), 'reading channel "a"');
    expect(recorder.entries).toHaveLength(3);
  });

  it('tells kinds apart by the Redis error code, the system error code, else the name', () => {
    expect(errorKind(new Error('WRONGTYPE Operation against a key'))).toBe('WRONGTYPE');
    expect(errorKind(new Error('MOVED 3999 127.0.0.1:6381'))).toBe('MOVED');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    expect(errorKind(refused)).toBe('ECONNREFUSED');
    expect(errorKind(new TypeError('bad'))).toBe('TypeError');
    expect(errorKind('plain')).toBe('string');
  });
});
