import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Expose, instanceToPlain } from 'class-transformer';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { compilePlan } from '../../lib/serialize/instance-to-plain-plan.js';

function encodeInChild(nodeOptions: string[]): {
  codeGeneration: boolean;
  sent: string[];
  classTransformer: string;
} {
  const output = execFileSync(
    process.execPath,
    [...nodeOptions, '--import', './test/support/register-swc.mjs', 'test/fixtures/encode-dtos.ts'],
    {
      cwd: resolve(import.meta.dirname, '../..'),
      env: { ...process.env, NODE_OPTIONS: '' },
      encoding: 'utf8',
    },
  );
  return JSON.parse(output);
}

describe('the functions compiled for the shapes of objects', () => {
  it('are not needed: where code generation is disallowed, the plan sends the same JSON with its loop', () => {
    const result = encodeInChild(['--disallow-code-generation-from-strings']);
    expect(result.codeGeneration).toBe(false);
    expect(result.sent).toEqual([result.classTransformer]);
  });

  it('send the same JSON as class-transformer where code generation is allowed', () => {
    const result = encodeInChild([]);
    expect(result.codeGeneration).toBe(true);
    expect(result.sent).toEqual([result.classTransformer]);
  });

  it('take keys and names that look like code as data', () => {
    const tricky = [
      '"]; throw new Error("injected"); //',
      "'];\nthrow 1;",
      '\\',
      '\u2028\u2029',
      '\ud800',
      '${1}`',
      '0',
      '__proto__',
    ];
    class TrickyDto {
      @Expose({ name: '"); process.exit(1); ("' }) renamed = 1;
      @Expose({ name: '__proto__' }) prototype = 2;
    }
    const value = Object.assign(
      new TrickyDto(),
      Object.fromEntries(tricky.map((key, i) => [key, i])),
    );
    const plan = compilePlan({}, 0)!;
    expect(JSON.stringify(plan(value))).toBe(JSON.stringify(instanceToPlain(value)));
    expect(JSON.stringify(plan({ ...value }))).toBe(JSON.stringify(instanceToPlain({ ...value })));
  });
});
