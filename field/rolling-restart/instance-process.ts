// One instance of the app as the harness runs it: on a fixed port (the proxy's upstream),
// stopped by a signal and started again as a deploy would.
import type { ChildProcess } from 'node:child_process';
import { firstLine, startScript, stopProcess } from './processes.js';

const START_TIMEOUT_MS = 30_000;

export interface Stop {
  /** From the signal to the exit. */
  ms: number;
  /** Still running after the grace period, so killed (as an orchestrator would). */
  killed: boolean;
}

export class InstanceProcess {
  private child: ChildProcess | undefined;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly args: string[],
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts it and waits until it listens and answers its health check; resolves with the ms that took. */
  async start(): Promise<number> {
    const started = performance.now();
    const child = startScript('field/rolling-restart/instance.ts', [
      '--port',
      String(this.port),
      ...this.args,
    ]);
    this.child = child;
    child.on('exit', (code, signal) => {
      if (code) process.stderr.write(`instance ${this.name} exited with ${code}\n`);
      else if (signal && signal !== 'SIGTERM' && signal !== 'SIGKILL')
        process.stderr.write(`instance ${this.name} was killed by ${signal}\n`);
    });
    await firstLine(child, `instance ${this.name}`, START_TIMEOUT_MS);
    const health = await fetch(`http://127.0.0.1:${this.port}/health`);
    if (!health.ok)
      throw new Error(`instance ${this.name}: health check answered ${health.status}`);
    return performance.now() - started;
  }

  /** The streams it serves now. */
  async streams(): Promise<number> {
    const response = await fetch(`http://127.0.0.1:${this.port}/stats`);
    return ((await response.json()) as { streams: number }).streams;
  }

  /** Sends `signal`, and SIGKILL if it still runs `graceMs` later; resolves once it has exited. */
  async stop(signal: NodeJS.Signals, graceMs: number): Promise<Stop> {
    const child = this.child;
    this.child = undefined;
    if (!child) return { ms: 0, killed: false };
    const started = performance.now();
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, graceMs);
    await stopProcess(child, signal);
    clearTimeout(timer);
    return { ms: performance.now() - started, killed };
  }
}
