// The harness's child processes: this repo's TypeScript files run by Node (compiled by
// swc as the tests are), with an IPC channel, and waits on what they say or do.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = resolve(import.meta.dirname, '../..');

/** Starts `file` (relative to the repository) with `args`; its stdout is piped, stderr shown. */
export function startScript(file: string, args: string[]): ChildProcess {
  return fork(resolve(ROOT, file), args, {
    cwd: ROOT,
    execArgv: ['--import', './test/support/register-swc.mjs'],
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
}

/** Rejects with what `child` is, if it exits or `timeoutMs` passes before `promise` settles. */
function whileRunning<T>(
  child: ChildProcess,
  what: string,
  timeoutMs: number,
  promise: Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onExit: ((code: number | null, signal: string | null) => void) | undefined;
  const failed = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: nothing after ${timeoutMs} ms`)),
      timeoutMs,
    );
    onExit = (code, signal) => reject(new Error(`${what}: exited (${code ?? signal}) first`));
    child.once('exit', onExit);
  });
  return Promise.race([promise, failed]).finally(() => {
    clearTimeout(timer);
    child.off('exit', onExit!);
  });
}

/** The next IPC message of the given type. */
export function nextMessage<M extends { type: string }, T extends M['type']>(
  child: ChildProcess,
  type: T,
  what: string,
  timeoutMs: number,
): Promise<Extract<M, { type: T }>> {
  let onMessage: ((message: M) => void) | undefined;
  const received = new Promise<Extract<M, { type: T }>>((resolve) => {
    onMessage = (message) => {
      if (message.type === type) resolve(message as Extract<M, { type: T }>);
    };
    child.on('message', onMessage);
  });
  return whileRunning(child, `${what} (waiting for "${type}")`, timeoutMs, received).finally(() =>
    child.off('message', onMessage!),
  );
}

/** The first line `child` writes to stdout (the rest is passed on to ours). */
export function firstLine(child: ChildProcess, what: string, timeoutMs: number): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  const line = new Promise<string>((resolve) => {
    lines.once('line', (first) => {
      lines.on('line', (next) => process.stdout.write(`${what}: ${next}\n`));
      resolve(first);
    });
  });
  return whileRunning(child, `${what} (waiting for its first line)`, timeoutMs, line);
}

/** Resolves once `child` has exited (at once if it has). */
export async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
}

/** Ends `child` (when it still runs) and waits for its exit. */
export async function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exit = once(child, 'exit');
  child.kill(signal);
  await exit;
}
