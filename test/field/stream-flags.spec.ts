import { describe, expect, it } from '@jest/globals';
import { parseArgs } from 'node:util';
import {
  STREAM_FLAG_OPTIONS,
  streamFlagArgs,
  streamOptionsFromFlags,
} from '../../field/rolling-restart/stream-flags.js';

describe('rolling-restart stream flags', () => {
  it('no flag sets no option (an instance on a release without the newer options starts)', () => {
    expect(streamOptionsFromFlags({})).toEqual({});
  });

  it('each flag sets its module option', () => {
    expect(
      streamOptionsFromFlags({
        retry: '1000',
        drain: '5000',
        'max-lifetime': '60000',
        'stall-timeout': '30000',
        'keep-alive': '15000',
      }),
    ).toEqual({
      retry: 1000,
      shutdownDrain: 5000,
      maxLifetime: 60000,
      stallTimeout: 30000,
      keepAlive: 15000,
    });
  });

  it('a retry range is drawn per stream: { min, max }', () => {
    expect(streamOptionsFromFlags({ retry: '100-300' })).toEqual({
      retry: { min: 100, max: 300 },
    });
  });

  it('stall-timeout and keep-alive take false', () => {
    expect(streamOptionsFromFlags({ 'stall-timeout': 'false', 'keep-alive': 'false' })).toEqual({
      stallTimeout: false,
      keepAlive: false,
    });
  });

  it.each([
    ['retry', 'soon', 'milliseconds or a range of them (100-400)'],
    ['retry', '-5', 'milliseconds or a range of them (100-400)'],
    ['drain', '100-300', 'milliseconds'],
    ['drain', 'false', 'milliseconds'],
    ['max-lifetime', '1.5', 'milliseconds'],
    ['stall-timeout', 'never', 'milliseconds or false'],
  ] as const)('--%s %s is refused: "must be %s"', (flag, value, expected) => {
    expect(() => streamOptionsFromFlags({ [flag]: value })).toThrow(
      `rolling-restart: "--${flag}" must be ${expected}, got "${value}"`,
    );
  });

  it('the flags given are passed on to a child as they came, and parse back the same', () => {
    const flags = { drain: '5000', retry: '100-300' };
    const args = streamFlagArgs(flags);
    expect(args).toEqual(['--retry', '100-300', '--drain', '5000']);
    expect(parseArgs({ args, options: STREAM_FLAG_OPTIONS }).values).toEqual(flags);
  });
});
