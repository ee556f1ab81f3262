import { describe, expect, it, jest } from '@jest/globals';
import {
  EventStreamWriter,
  type EventStreamWriterOwner,
  type EventStreamWriterSettings,
} from '../../lib/stream/event-stream-writer.js';
import { FakeResponse } from '../support/fake-response.js';

const settings: EventStreamWriterSettings = {
  connectionKeepAlive: true,
  keepAlive: false,
  retry: undefined,
  stallTimeout: false,
};

function writer(overrides: Partial<EventStreamWriterSettings> = {}) {
  const res = new FakeResponse();
  const calls: string[] = [];
  const owner: EventStreamWriterOwner = {
    takeOver: () => calls.push('takeOver'),
    committed: () => calls.push('committed'),
    closed: () => calls.push('closed'),
    stalled: (ms) => calls.push(`stalled ${ms}`),
  };
  return { res, calls, writer: new EventStreamWriter(res, { ...settings, ...overrides }, owner) };
}

const tick = () => new Promise((resolve) => process.nextTick(resolve));

describe('EventStreamWriter (open → committed → closed)', () => {
  it('commits the SSE headers with the first frame, taking the response over first', async () => {
    const { res, calls, writer: w } = writer({ retry: 1500 });
    expect(w.send('data: 1\n\n')).toBe(true);
    expect(calls).toEqual(['takeOver', 'committed']);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('connection')).toBe('keep-alive');
    await tick();
    expect(res.body).toBe(':\nretry: 1500\n\ndata: 1\n\n');
  });

  it('coalesces the frames of one tick into one write', async () => {
    const { res, writer: w } = writer();
    w.commit();
    for (let i = 0; i < 100; i++) w.send(`data: ${i}\n\n`);
    await tick();
    expect(res.chunks).toHaveLength(1);
  });

  it('reports a full socket, and ready() waits for the drain', async () => {
    const { res, writer: w } = writer();
    res.accepts = false;
    w.commit();
    w.send('data: 1\n\n');
    await tick();
    expect(w.send('data: 2\n\n')).toBe(false);
    let ready = false;
    w.ready({ writerReady: () => (ready = true) });
    await tick();
    expect(ready).toBe(false);
    res.drain();
    await tick();
    expect(ready).toBe(true);
  });

  it('ends once, telling its owner once; nothing is sent after', async () => {
    const { res, calls, writer: w } = writer();
    w.send('data: 1\n\n');
    w.end();
    w.end();
    expect(w.send('data: 2\n\n')).toBe(false);
    expect(res.writableEnded).toBe(true);
    expect(calls.filter((call) => call === 'closed')).toHaveLength(1);
    expect(res.body).toBe(':\n\ndata: 1\n\n');
  });

  it('answers 204 when it ends having sent nothing', () => {
    const { res, calls, writer: w } = writer();
    w.endWithoutContent();
    expect(res.statusCode).toBe(204);
    expect(res.headers.has('content-type')).toBe(false);
    expect(calls).toEqual(['takeOver', 'closed']);
  });

  it('notices a client that left before it was made', () => {
    const res = new FakeResponse();
    res.destroyed = true;
    const closed = jest.fn();
    const w = new EventStreamWriter(res, settings, {
      takeOver: jest.fn(),
      committed: jest.fn(),
      closed,
      stalled: jest.fn(),
    });
    expect(w.isClosed).toBe(true);
    expect(closed).toHaveBeenCalledTimes(1);
  });

  it('sends a keep-alive comment after a silence, and cuts a stalled client', () => {
    jest.useFakeTimers();
    try {
      const { res, calls, writer: w } = writer({ keepAlive: 1000, stallTimeout: 5000 });
      w.commit();
      jest.advanceTimersByTime(1000);
      expect(res.body).toBe(':\n\n: ping\n\n');
      res.accepts = false;
      jest.advanceTimersByTime(1000); // a ping that fills the socket
      jest.advanceTimersByTime(4999);
      expect(res.destroyed).toBe(false);
      jest.advanceTimersByTime(1);
      expect(res.destroyed).toBe(true);
      expect(calls).toEqual(['takeOver', 'committed', 'stalled 5000', 'closed']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('a drain before stallTimeout keeps the client', () => {
    jest.useFakeTimers();
    try {
      const { res, writer: w } = writer({ stallTimeout: 5000 });
      res.accepts = false;
      w.send('data: 1\n\n');
      jest.runAllTicks();
      jest.advanceTimersByTime(4000);
      res.drain();
      jest.advanceTimersByTime(2000);
      expect(res.destroyed).toBe(false);
      expect(w.isClosed).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });

  it('idle writers share one keep-alive timer, each pinging after its own silence', () => {
    jest.useFakeTimers();
    try {
      const first = writer({ keepAlive: 1000 });
      const second = writer({ keepAlive: 1000 });
      first.writer.commit();
      jest.advanceTimersByTime(500);
      second.writer.commit();
      jest.runAllTicks();
      expect(jest.getTimerCount()).toBe(1);
      jest.advanceTimersByTime(500);
      expect(first.res.body).toBe(':\n\n: ping\n\n');
      expect(second.res.body).toBe(':\n\n');
      jest.advanceTimersByTime(500);
      expect(second.res.body).toBe(':\n\n: ping\n\n');
      first.writer.end();
      second.writer.end();
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('listens for drain only while the socket is full', async () => {
    const { res, writer: w } = writer();
    w.commit();
    await tick();
    expect(res.listenerCount('drain')).toBe(0);
    res.accepts = false;
    w.send('data: 1\n\n');
    await tick();
    expect(res.listenerCount('drain')).toBe(1);
    res.drain();
    expect(res.listenerCount('drain')).toBe(0);
    expect(w.send('data: 2\n\n')).toBe(true);
  });
});
