import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

describe('without @nestjs/swagger installed', () => {
  it('streams, and adds no Swagger metadata', () => {
    const output = execFileSync(
      process.execPath,
      ['--import', './test/support/register-swc.mjs', 'test/fixtures/no-swagger-app.ts'],
      {
        cwd: resolve(import.meta.dirname, '../..'),
        env: { ...process.env, NODE_OPTIONS: '', ABSENT_PACKAGES: '@nestjs/swagger' },
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(output)).toEqual({
      swaggerLoads: false,
      events: [{ data: '{"name":"after 7"}' }],
      metadata: [],
    });
  });

  it('and with it installed, the same app is documented (the fixture is sound)', () => {
    const output = execFileSync(
      process.execPath,
      ['--import', './test/support/register-swc.mjs', 'test/fixtures/no-swagger-app.ts'],
      {
        cwd: resolve(import.meta.dirname, '../..'),
        env: { ...process.env, NODE_OPTIONS: '' },
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(output)).toMatchObject({
      swaggerLoads: true,
      metadata: expect.arrayContaining(['swagger/apiResponse', 'swagger/apiParameters']),
    });
  });
});
