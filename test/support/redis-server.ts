import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort, onFreePort } from './free-port.js';

/** Whether Redis tests can run: a missing server skips them locally, fails them under CI. */
export function redisAvailable(): boolean {
  const found = spawnSync('redis-server', ['--version']).status === 0;
  if (!found && process.env.CI)
    throw new Error(
      'redis-server is missing, and CI must run the Redis tests (.ci/run installs it)',
    );
  if (!found)
    console.warn(
      'redis-server not found: Redis tests skipped (apt-get install redis-server to run them)',
    );
  return found;
}

export interface RedisServerOptions {
  /** More redis-server arguments. */
  args?: string[];
  /**
   * A Cluster node, its bus on a free port of its own (the default, port + 10000, may be
   * taken, or past 65535).
   */
  clusterNode?: boolean;
  /** Working directory, where a cluster node keeps its nodes.conf. */
  cwd?: string;
}

/** A real redis-server of the test's own, on a free loopback port, without persistence. */
export class RedisServer {
  private process: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly busPort: number | undefined,
    private readonly options: RedisServerOptions,
  ) {}

  static start(options: RedisServerOptions = {}): Promise<RedisServer> {
    return onFreePort(async (port) => {
      const busPort = options.clusterNode ? await freePort() : undefined;
      const server = new RedisServer(port, busPort, options);
      await server.spawn();
      return server;
    });
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Kills the server at once (as a crash would) and starts a fresh, empty one on the same port. */
  async restart(): Promise<void> {
    await this.stop('SIGKILL');
    await this.spawn();
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    child.kill(signal);
    await once(child, 'exit');
  }

  private async spawn(): Promise<void> {
    // Small stream nodes, so that MAXLEN ~ trims a short history in tests as it would a long one.
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--stream-node-max-entries',
      '4',
      ...(this.busPort === undefined
        ? []
        : ['--cluster-enabled', 'yes', '--cluster-port', String(this.busPort)]),
      ...(this.options.args ?? []),
    ];
    const child = spawn('redis-server', args, {
      cwd: this.options.cwd,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.process = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) =>
        reject(new Error(`redis-server exited (${code}) before it was ready: ${output}`)),
      );
    });
    child.stdout!.resume();
  }
}
