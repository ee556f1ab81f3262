// What the harness says, before it starts anything, when it cannot run as asked.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** Runs the harness (under `ulimit -n <openFiles>`, if given); its exit status and stderr. */
function harness(args: string[], openFiles?: number): { status: number | null; stderr: string } {
  const limit = openFiles === undefined ? '' : `ulimit -n ${openFiles} && `;
  const command = `${limit}exec node --import ./test/support/register-swc.mjs field/rolling-restart/run.ts "$@"`;
  const { status, stderr } = spawnSync('bash', ['-c', command, 'harness', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return { status, stderr };
}

describe('rolling-restart harness arguments', () => {
  it('an unknown scenario: the ones there are', () => {
    const { status, stderr } = harness(['--scenarios', 'sigterm,sighup']);
    expect(status).not.toBe(0);
    expect(stderr).toContain(
      'rolling-restart: "--scenarios" takes sigterm, sigkill, sigterm-drain-jitter, sigkill-drain-jitter, got "sighup"',
    );
  });

  it('a count that is not a positive number', () => {
    const { status, stderr } = harness(['--clients', 'many']);
    expect(status).not.toBe(0);
    expect(stderr).toContain('rolling-restart: "--clients" must be a positive number, got "many"');
  });

  it('too few open files for the clients: how to get more', () => {
    const { status, stderr } = harness(['--clients', '1000'], 1024);
    expect(status).not.toBe(0);
    expect(stderr).toContain(
      'rolling-restart: 1000 clients need 2100 open files (nginx: two per client), ulimit -n is 1024: run it as npm run field:rolling-restart, which raises it to the hard limit',
    );
  });
});
