import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

// A code block right after `<!-- path -->` must be that file, line for line.
const embedded = [...readme.matchAll(/<!-- (\S+) -->\n```\w*\n([\s\S]*?)```/g)].map(
  ([, path, code]) => [path, code],
);

describe('README', () => {
  it('embeds the sample files it names', () => {
    expect(embedded.map(([path]) => path)).toEqual([
      'sample/ticker.controller.ts',
      'sample/chat.controller.ts',
      'sample/chat.service.ts',
      'sample/openai.controller.ts',
      'sample/ai-sdk.controller.ts',
      'sample/generation.ts',
      'sample/mcp.controller.ts',
    ]);
  });

  it.each(embedded)('shows %s as it is', (path, code) => {
    expect(code).toBe(readFileSync(join(root, path), 'utf8'));
  });

  it('gives the two commands of a fresh clone', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});
