/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

// NestJS 12 ships ESM only and jest's CommonJS runtime cannot require() ESM on
// Node 20, so tests run as native ESM (--experimental-vm-modules, see `npm run jest`).
// @swc/jest compiles TypeScript with legacy decorators and decorator metadata, which
// Nest's DI needs, in ~1 s per file; `tsc --noEmit` does the type-checking beside it.
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/support/fail-on-unhandled.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^nestjs-event-stream$': '<rootDir>/lib/index.ts',
    '^nestjs-event-stream/(.*)$': '<rootDir>/lib/$1/index.ts',
    // Sources import './x.js' as NodeNext requires; jest must find './x.ts'.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
      },
    ],
  },
  testTimeout: 15_000,
};

export default config;
