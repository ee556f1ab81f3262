import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

/** Named in every describe block, so a run against another NestJS major says so. */
export const NEST = `NestJS ${(createRequire(import.meta.url)('@nestjs/core/package.json') as { version: string }).version}`;

/** The HTTP adapters every behavioural test runs on. */
export const ADAPTERS = ['express', 'fastify'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

export interface TestApp {
  app: INestApplication;
  url: string;
}

export interface StartAppOptions {
  adapter?: AdapterName;
  configure?: (app: INestApplication) => void;
  /** Replaces providers before the module compiles (`overrideProvider` …). */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

/** Starts a real Nest app on a free loopback port. */
export async function startApp(
  metadata: ModuleMetadata,
  options: StartAppOptions = {},
): Promise<TestApp> {
  const builder = Test.createTestingModule(metadata);
  const moduleRef = await (options.override?.(builder) ?? builder).compile();
  const app =
    options.adapter === 'fastify'
      ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false })
      : moduleRef.createNestApplication({ logger: false });
  options.configure?.(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
}
