// Starts a benchmark server as its own process on loopback and reads the port it announces.
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

/** `nodeFlags` go before the server's file (e.g. `--cpu-prof`). */
export async function startServer(name: string, nodeFlags: string[] = []): Promise<ServerProcess> {
  const { file, env } = SERVERS[name];
  const child = spawn(
    process.execPath,
    [
      ...nodeFlags,
      '--expose-gc',
      '--max-old-space-size=4096',
      '--import',
      './test/support/register-swc.mjs',
      file,
    ],
    {
      cwd: root,
      env: { ...process.env, ...env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  child.on('exit', (code, signal) => {
    if (code !== null && code !== 0) process.stderr.write(`${name} exited with ${code}\n`);
    else if (signal && signal !== 'SIGTERM')
      process.stderr.write(`${name} was killed by ${signal}\n`);
  });
  const first = await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next();
  const { port } = JSON.parse(first.value as string) as { port: number };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await exited;
  };
  return { base: `http://127.0.0.1:${port}`, child, stop };
}
