// Node module hooks that run the TypeScript sources directly (for child processes of
// the tests, the soak script and the benchmarks), compiled by swc as jest does, with
// the decorator metadata Nest's dependency injection needs (esbuild emits none).
import { transformSync } from '@swc/core';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

// Packages made to look absent (comma-separated), to test optional peers missing.
const absent = new Set((process.env.ABSENT_PACKAGES ?? '').split(',').filter(Boolean));

export async function resolve(specifier, context, nextResolve) {
  if (absent.has(specifier))
    throw Object.assign(new Error(`Cannot find package '${specifier}'`), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    // Sources import './x.js' as NodeNext wants; the file on disk is './x.ts'.
    if (specifier.startsWith('.') && specifier.endsWith('.js'))
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    throw error;
  }
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts')) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  const { code } = transformSync(await readFile(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    module: { type: 'es6' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
  });
  return { format: 'module', source: code, shortCircuit: true };
}
