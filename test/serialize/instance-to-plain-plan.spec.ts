import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { instanceToPlain } from 'class-transformer';
import fc from 'fast-check';
import { compilePlan } from '../../lib/serialize/instance-to-plain-plan.js';
import { AdminDto, COVERED_CLASSES, FIELDS } from './instance-dtos.js';
import { outcome, PLAN_OPTIONS } from './plan-outcomes.js';

const leaf = fc.oneof(
  fc.oneof(fc.string({ maxLength: 8 }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null)),
  fc.date({ noInvalidDate: false }),
  fc.constantFrom(undefined, Number.NaN, -0, Symbol.for('s')),
  fc.string().map((text) => new String(text)),
);

/** Objects of the classes above (or plain ones) with a random subset of fields of random values. */
function instances(values: fc.Arbitrary<unknown>): fc.Arbitrary<object> {
  return fc
    .tuple(
      fc.constantFrom<Function | undefined>(...COVERED_CLASSES, undefined, undefined),
      fc.dictionary(fc.constantFrom(...FIELDS), values, { maxKeys: 5 }),
      fc.dictionary(fc.string({ maxLength: 4 }), values, { maxKeys: 2 }),
    )
    .map(([cls, fields, extra]) =>
      Object.assign(cls ? Object.create(cls.prototype) : {}, extra, fields),
    );
}

const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'xsmall', withCrossShrink: true },
    leaf,
    instances(tie('node')),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.sparseArray(tie('node'), { maxLength: 3 }),
  ),
})).node;

describe('compilePlan (instanceToPlain from a per-class plan)', () => {
  const plans = PLAN_OPTIONS.map((options) => compilePlan(options)!);

  it('compiles a plan for every option set it covers', () => {
    expect(plans.every((plan) => typeof plan === 'function')).toBe(true);
  });

  it('gives byte-identical JSON to JSON.stringify(instanceToPlain(x, options)) for 10,000 generated DTOs, without falling back', () => {
    fc.assert(
      fc.property(fc.nat(PLAN_OPTIONS.length - 1), instances(value), (index, dto) => {
        expect(outcome(() => plans[index](dto))).toBe(
          outcome(() => instanceToPlain(dto, PLAN_OPTIONS[index])),
        );
      }),
      { numRuns: 10_000, seed: 2026 },
    );
  });

  it('gives byte-identical JSON with every shape compiled to a function, for 2,000 generated DTOs', () => {
    // Every shape compiled at once (by default, once it has sent 32 objects).
    const compiled = PLAN_OPTIONS.map((options) => compilePlan(options, 0)!);
    fc.assert(
      fc.property(fc.nat(PLAN_OPTIONS.length - 1), instances(value), (index, dto) => {
        expect(outcome(() => compiled[index](dto))).toBe(
          outcome(() => instanceToPlain(dto, PLAN_OPTIONS[index])),
        );
      }),
      // Compiling a function takes ~0.1 ms: fewer runs than above, where few are compiled.
      { numRuns: 2_000, seed: 2027 },
    );
  });

  it('sends renamed, grouped and typed fields as class-transformer does', () => {
    const user = Object.assign(new AdminDto(), {
      id: 1,
      legacyId: 7,
      name: 'Ada',
      password: 'x',
      email: 'a@example.org',
      level: 3,
      createdAt: '2020-01-01T00:00:00.000Z',
      count: '42',
      payload: { label: 'tag', internal: true },
      tags: [{ label: 'a', internal: 1 }],
    });
    const expected = JSON.stringify(instanceToPlain(user, { groups: ['admin'] }));
    expect(JSON.stringify(compilePlan({ groups: ['admin'] })!(user))).toBe(expected);
    expect(JSON.parse(expected)).toEqual({
      id: 7,
      full_name: 'Ada',
      email: 'a@example.org',
      level: 3,
      createdAt: '2020-01-01T00:00:00.000Z',
      count: 42,
      payload: { label: 'tag' },
      tags: [{ label: 'a' }],
      display: '#1',
    });
  });
});
