import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The published tarball, installed into scratch projects of both module kinds. They sit
// under the repository so peer dependencies resolve from its node_modules, as they
// would from an app's.
const root = resolve(import.meta.dirname, '../..');
let scratch: string;

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const usage = `
  const event = new ServerSentEvent({ data: { n: 1 }, event: 'tick', id: 7 });
  process.stdout.write(JSON.stringify([typeof EventStream, formatSseEvent({ data: JSON.stringify(event.data), event: event.event, id: event.id })]));
`;

describe('npm pack', () => {
  beforeAll(() => {
    mkdirSync(join(root, 'test-output'), { recursive: true });
    scratch = mkdtempSync(join(root, 'test-output', 'pack-'));
    const tarball = run('npm', ['pack', '--silent', '--pack-destination', scratch], root)
      .trim()
      .split('\n')
      .at(-1)!;
    for (const [name, type] of [
      ['esm', 'module'],
      ['cjs', 'commonjs'],
    ]) {
      const project = join(scratch, name);
      mkdirSync(project);
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify({ name: `scratch-${name}`, private: true, type }),
      );
      // Peers come from the repository's node_modules above, so nothing is downloaded.
      run(
        'npm',
        [
          'install',
          '--no-save',
          '--no-audit',
          '--no-fund',
          '--legacy-peer-deps',
          '--ignore-scripts',
          join(scratch, tarball),
        ],
        project,
      );
    }
  }, 120_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const expected = JSON.stringify(['function', 'event: tick\nid: 7\ndata: {"n":1}\n\n']);

  it('works from an ES module through import', () => {
    const project = join(scratch, 'esm');
    writeFileSync(
      join(project, 'index.js'),
      `import { ServerSentEvent, formatSseEvent, EventStream } from 'nestjs-event-stream';${usage}`,
    );
    expect(run('node', ['index.js'], project)).toBe(expected);
  });

  it('works from CommonJS through require', () => {
    const project = join(scratch, 'cjs');
    writeFileSync(
      join(project, 'index.js'),
      `const { ServerSentEvent, formatSseEvent, EventStream } = require('nestjs-event-stream');${usage}`,
    );
    expect(run('node', ['--no-warnings', 'index.js'], project)).toBe(expected);
  });

  it('ships the type declarations the exports map points to', () => {
    const files = run(
      'tar',
      [
        '-tzf',
        join(
          scratch,
          run('ls', [scratch], scratch)
            .split('\n')
            .find((f) => f.endsWith('.tgz'))!,
        ),
      ],
      root,
    );
    expect(files).toContain('package/dist/index.d.ts');
    expect(files).toContain('package/dist/index.js');
    expect(files).not.toMatch(/package\/(lib|test|sample)\//);
  });
});
