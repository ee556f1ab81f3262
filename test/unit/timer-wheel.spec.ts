import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { TimerWheels } from '../../lib/stream/timer-wheel.js';

function wheels() {
  const fired: string[] = [];
  const timers = new TimerWheels<string>((member) => fired.push(member));
  return { fired, timers };
}

describe('TimerWheels (one timer per interval, swept)', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('fires a member its interval after it was scheduled, not before, once', () => {
    const { fired, timers } = wheels();
    timers.schedule('a', 1000);
    jest.advanceTimersByTime(999);
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(fired).toEqual(['a']);
    jest.advanceTimersByTime(5000);
    expect(fired).toEqual(['a']);
  });

  it('holds one timer for any number of members of one interval, none once they are gone', () => {
    const { timers } = wheels();
    for (let i = 0; i < 1000; i++) timers.schedule(`m${i}`, 1000);
    expect(jest.getTimerCount()).toBe(1);
    for (let i = 0; i < 1000; i++) timers.cancel(`m${i}`, 1000);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('fires members in the order of their deadlines, each on time', () => {
    const at: Record<string, number> = {};
    const log = new TimerWheels<string>((member) => (at[member] = Date.now()));
    const start = Date.now();
    log.schedule('a', 1000);
    jest.advanceTimersByTime(300);
    log.schedule('b', 1000);
    jest.advanceTimersByTime(300);
    log.schedule('c', 1000);
    jest.advanceTimersByTime(2000);
    expect(Object.keys(at)).toEqual(['a', 'b', 'c']);
    expect([at.a - start, at.b - start, at.c - start]).toEqual([1000, 1300, 1600]);
  });

  it('a member scheduled again starts over (a keep-alive reset by a write)', () => {
    const { fired, timers } = wheels();
    timers.schedule('a', 1000);
    timers.schedule('b', 1000);
    jest.advanceTimersByTime(900);
    timers.schedule('a', 1000);
    jest.advanceTimersByTime(100);
    expect(fired).toEqual(['b']);
    jest.advanceTimersByTime(899);
    expect(fired).toEqual(['b']);
    jest.advanceTimersByTime(1);
    expect(fired).toEqual(['b', 'a']);
  });

  it('a cancelled member does not fire; the others still do', () => {
    const { fired, timers } = wheels();
    timers.schedule('a', 1000);
    timers.schedule('b', 1000);
    timers.cancel('a', 1000);
    timers.cancel('never scheduled', 1000);
    timers.cancel('b', 5000);
    jest.advanceTimersByTime(1000);
    expect(fired).toEqual(['b']);
  });

  it('keeps each interval apart', () => {
    const { fired, timers } = wheels();
    timers.schedule('slow', 3000);
    timers.schedule('fast', 1000);
    jest.advanceTimersByTime(1000);
    expect(fired).toEqual(['fast']);
    jest.advanceTimersByTime(2000);
    expect(fired).toEqual(['fast', 'slow']);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a fire may schedule its member again (every interval) or cancel the others', () => {
    const fired: string[] = [];
    const timers: TimerWheels<string> = new TimerWheels<string>((member) => {
      fired.push(member);
      if (member === 'periodic') timers.schedule(member, 1000);
      if (member === 'canceller') timers.cancel('victim', 1000);
    });
    timers.schedule('periodic', 1000);
    timers.schedule('canceller', 1000);
    timers.schedule('victim', 1000);
    jest.advanceTimersByTime(3000);
    expect(fired).toEqual(['periodic', 'canceller', 'periodic', 'periodic']);
    expect(jest.getTimerCount()).toBe(1);
    timers.cancel('periodic', 1000);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a list emptied by a fire and filled again in the same sweep holds one timer', () => {
    const fired: string[] = [];
    const timers: TimerWheels<string> = new TimerWheels<string>((member) => {
      fired.push(member);
      timers.cancel('b', 1000);
      timers.schedule('c', 1000);
    });
    timers.schedule('a', 1000);
    timers.schedule('b', 1000);
    jest.advanceTimersByTime(1000);
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(1000);
    expect(fired).toEqual(['a', 'c']);
  });

  it('does not keep the process alive (its timer is unref()ed)', () => {
    jest.useRealTimers();
    const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timeouts();
    const { timers } = wheels();
    timers.schedule('a', 60_000);
    expect(timeouts()).toBe(before);
    timers.cancel('a', 60_000);
  });
});
