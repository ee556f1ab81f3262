import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const map = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8');

// `lib/x.ts:Name` or `lib/x.ts:Class.member`, as ARCHITECTURE.md names code.
const references = [...map.matchAll(/`(lib\/[\w./-]+\.ts):([\w.]+)`/g)].map(
  ([, file, symbol]) => [file, symbol] as const,
);

function defines(source: string, name: string): boolean {
  const escaped = name.replace(/[$]/g, '\\$');
  return new RegExp(
    `(class|function|const|interface|type)\\s+${escaped}\\b|^\\s*(?:(?:private|readonly|static|async|get)\\s+)*\\*?${escaped}\\s*(?:\\(|=|<|:)`,
    'm',
  ).test(source);
}

describe('ARCHITECTURE.md', () => {
  it('names code', () => {
    expect(references.length).toBeGreaterThan(20);
  });

  it.each(references)('names %s:%s, which exists', (file, symbol) => {
    expect(existsSync(join(root, file))).toBe(true);
    const source = readFileSync(join(root, file), 'utf8');
    for (const name of symbol.split('.'))
      expect([name, defines(source, name)]).toEqual([name, true]);
  });
});
