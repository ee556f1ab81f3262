import 'reflect-metadata';
import { describe, expect, it, jest } from '@jest/globals';
import { Exclude, Expose } from 'class-transformer';

// A bundle with a second copy of class-transformer: the decorators write to one metadata
// storage, the plan would read another (here, one that holds nothing).
jest.unstable_mockModule('class-transformer/cjs/storage.js', () => ({
  defaultMetadataStorage: { findExcludeMetadata: () => undefined },
}));
const { compileInstanceToPlain, compilePlan } =
  await import('../../lib/serialize/instance-to-plain-plan.js');
const { compilePlainToInstance, compilePlainToInstancePlan } =
  await import('../../lib/serialize/plain-to-instance-plan.js');

class AccountDto {
  @Expose() name = 'ada';
  @Exclude() password = 'secret';
}

describe('the plans with a metadata storage the decorators do not write to', () => {
  it('compiles no plan, and class-transformer still hides what @Exclude hides', () => {
    expect(compilePlan({})).toBeUndefined();
    expect(compileInstanceToPlain({})(new AccountDto())).toEqual({ name: 'ada' });
  });

  it('compiles no plainToInstance plan, and class-transformer still makes the instance', () => {
    expect(compilePlainToInstancePlan({})).toBeUndefined();
    const instance = compilePlainToInstance({})({ name: 'bob', password: 'x' }, AccountDto);
    expect(instance).toBeInstanceOf(AccountDto);
    expect(compileInstanceToPlain({})(instance)).toEqual({ name: 'bob' });
  });
});
