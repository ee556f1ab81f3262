// An nginx of the harness's own (Debian's package), in front of the instances: its own
// prefix, config, logs and pid file in a temporary folder, on a free loopback port, in
// the foreground. The system's nginx, if any, is not touched.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { onFreePort } from '../../test/support/free-port.js';

const STARTUP_TIMEOUT_MS = 5_000;
/** A graceful stop waits for open requests; there should be none left by then. */
const GRACEFUL_STOP_MS = 5_000;
/** The parameters of each upstream server line. */
export const DEFAULT_SERVER_PARAMETERS = 'max_fails=0';
const ACCESS_LOG_FIELDS = '$request_uri|$status|$upstream_addr|$upstream_status|$request_time';

/** The settings that matter for SSE, each with why (docs/operations.md explains them). */
export function nginxConfig(
  port: number,
  upstreamPorts: number[],
  serverParameters = DEFAULT_SERVER_PARAMETERS,
): string {
  const servers = upstreamPorts
    .map((upstream) => `    server 127.0.0.1:${upstream} ${serverParameters};`)
    .join('\n');
  return `# Written by field/rolling-restart/nginx.ts
worker_processes 1;
pid nginx.pid;
error_log error.log warn;
daemon off;

events {
  # Two per client: the client's connection and the one to the instance.
  worker_connections 8192;
}

http {
  log_format field '${ACCESS_LOG_FIELDS}';
  access_log access.log field;
  client_body_temp_path tmp/client-body;
  proxy_temp_path tmp/proxy;
  fastcgi_temp_path tmp/fastcgi;
  uwsgi_temp_path tmp/uwsgi;
  scgi_temp_path tmp/scgi;

  upstream app {
    # max_fails=0: no instance is taken out of the rotation. nginx forgets a failure
    # only when a request to that instance completes, and a stream does not: an
    # instance that failed once (while it restarted) is then given one new stream per
    # fail_timeout, and the rest are answered 502 "no live upstreams" while the other
    # instance is down. A stopped instance costs a refused connection, then the next.
${servers}
  }

  server {
    listen 127.0.0.1:${port} backlog=4096;

    location / {
      proxy_pass http://app;
      # Keep-alive to the instance, and no "Connection: close" passed on.
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # Each event goes out as it arrives (the app also sends X-Accel-Buffering: no).
      proxy_buffering off;
      proxy_cache off;
      # Longer than the app's keep-alive comments (15 s), or idle streams are cut.
      proxy_read_timeout 60s;
      # A stopped instance: try the next one, and do not wait long to find out.
      proxy_connect_timeout 1s;
      proxy_next_upstream error timeout http_502;
    }
  }
}
`;
}

export interface AccessLogEntry {
  uri: string;
  status: number;
  /** The instances tried, in order (more than one: nginx went on to the next). */
  upstreams: string[];
}

export interface NginxLogs {
  access: AccessLogEntry[];
  errors: string;
}

/** The installed nginx's version line ("nginx/1.22.1"); throws when there is none. */
export function nginxVersion(): string {
  const { status, stderr } = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  if (status !== 0)
    throw new Error('nginx is missing: apt-get install nginx (.ci/run installs it)');
  return stderr.trim().replace(/^nginx version: /, '');
}

export class Nginx {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly process: ChildProcess,
  ) {}

  static start(upstreamPorts: number[], serverParameters?: string): Promise<Nginx> {
    nginxVersion();
    return onFreePort(async (port) => {
      const dir = mkdtempSync(join(tmpdir(), 'field-nginx-'));
      writeFileSync(join(dir, 'nginx.conf'), nginxConfig(port, upstreamPorts, serverParameters));
      mkdirSync(join(dir, 'tmp'));
      // -e: the error log before the config is read (the default path may not be writable).
      const child = spawn('nginx', ['-p', dir, '-c', 'nginx.conf', '-e', 'error.log'], {
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      const nginx = new Nginx(port, dir, child);
      try {
        await nginx.listening();
      } catch (error) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
      return nginx;
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.process.pid!;
  }

  /** The worker processes, which hold the connections. */
  workerPids(): number[] {
    const children = readFileSync(`/proc/${this.pid}/task/${this.pid}/children`, 'utf8');
    return children.split(' ').filter(Boolean).map(Number);
  }

  /**
   * Stops it gracefully, so that every request is in the access log, and removes its
   * folder; returns its logs.
   */
  async stop(): Promise<NginxLogs> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      const exited = once(this.process, 'exit');
      this.process.kill('SIGQUIT');
      const timer = setTimeout(() => this.process.kill('SIGTERM'), GRACEFUL_STOP_MS);
      await exited;
      clearTimeout(timer);
    }
    const logs = { access: this.accessLog(), errors: this.errorLog() };
    rmSync(this.dir, { recursive: true, force: true });
    return logs;
  }

  /**
   * nginx says nothing when it is ready: it is once its port takes connections and its
   * pid file is written (after it has bound its port: a port that accepts before then is
   * somebody else's).
   */
  private async listening(): Promise<void> {
    const deadline = performance.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      if (this.process.exitCode !== null)
        throw new Error(`nginx exited (${this.process.exitCode}): ${this.errorLog()}`);
      if (existsSync(join(this.dir, 'nginx.pid')) && (await accepts(this.port))) return;
      if (performance.now() > deadline)
        throw new Error(`nginx did not listen within ${STARTUP_TIMEOUT_MS} ms: ${this.errorLog()}`);
      await sleep(20);
    }
  }

  private accessLog(): AccessLogEntry[] {
    return readFileSync(join(this.dir, 'access.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [uri, status, upstreams] = line.split('|');
        return { uri, status: Number(status), upstreams: upstreams.split(', ') };
      });
  }

  private errorLog(): string {
    return readFileSync(join(this.dir, 'error.log'), 'utf8');
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
