// A benchmark server as a process of its own, on loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const root = resolve(import.meta.dirname, '..');

/**
 * `floor`: for a server built on NestJS, the framework floor (the same framework, SSE
 * written by hand) its figures are also divided by.
 */
export const SERVERS: Record<
  string,
  { file: string; env?: Record<string, string>; floor?: string }
> = {
  raw: { file: 'bench/servers/raw.ts' },
  'nest-sse': { file: 'bench/servers/nest-sse.ts', floor: 'floor-express' },
  'better-sse': { file: 'bench/servers/better-sse.ts' },
  'event-stream-express': {
    file: 'bench/servers/event-stream.ts',
    env: { ADAPTER: 'express' },
    floor: 'floor-express',
  },
  'event-stream-fastify': {
    file: 'bench/servers/event-stream.ts',
    env: { ADAPTER: 'fastify' },
    floor: 'floor-fastify',
  },
  'floor-express': { file: 'bench/servers/framework-floor.ts', env: { ADAPTER: 'express' } },
  'floor-fastify': { file: 'bench/servers/framework-floor.ts', env: { ADAPTER: 'fastify' } },
};

export interface ServerProcess {
  base: string;
  child: ChildProcess;
  /** Ends the server (SIGTERM: it exits, writing a CPU profile first if it makes one). */
  stop(): Promise<void>;
}

/**
 * Starts `file` (a server that announces its port on its first stdout line), from `cwd`
 * (another checkout, to compare with).
 */
export async function startServer(
  name: string,
  file: string,
  {
    env,
    nodeArgs = [],
    cwd = root,
  }: { env?: Record<string, string>; nodeArgs?: string[]; cwd?: string } = {},
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      '--expose-gc',
      '--max-old-space-size=4096',
      '--import',
      './test/support/register-swc.mjs',
      file,
    ],
    {
      cwd,
      env: { ...process.env, ...env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  child.on('exit', (code, signal) => {
    if (code !== null && code !== 0) process.stderr.write(`${name} exited with ${code}\n`);
    else if (signal && signal !== 'SIGTERM')
      process.stderr.write(`${name} was killed by ${signal}\n`);
  });
  const [line] = await createInterface({ input: child.stdout! })
    [Symbol.asyncIterator]()
    .next()
    .then((r) => [r.value as string]);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await exited;
  };
  return { base: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`, child, stop };
}

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
