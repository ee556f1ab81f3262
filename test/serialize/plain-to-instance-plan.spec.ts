import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { instanceToPlain, plainToInstance, type ClassTransformOptions } from 'class-transformer';
import fc from 'fast-check';
import { compilePlan } from '../../lib/serialize/instance-to-plain-plan.js';
import { compilePlainToInstancePlan } from '../../lib/serialize/plain-to-instance-plan.js';
import { ROW_CLASSES, ROW_FIELDS, UserRow } from './plain-row-dtos.js';
import { outcome, PLAN_OPTIONS } from './plan-outcomes.js';

// What JSON bodies and database rows hold: strings (some of them numbers, dates, flags),
// numbers, booleans, null, missing values; Dates from a driver.
const leaf = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('42', '2020-01-01T00:00:00.000Z', 'true', 'false', '', 'tag'),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constantFrom(null, undefined, Number.NaN, -0),
  fc.date({ noInvalidDate: false }),
);

const row = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'xsmall', withCrossShrink: true },
    leaf,
    tie('row'),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.sparseArray(tie('value'), { maxLength: 3 }),
  ),
  row: fc
    .tuple(
      fc.dictionary(fc.constantFrom(...ROW_FIELDS), tie('value'), { maxKeys: 6 }),
      fc.dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 2 }),
    )
    .map(([fields, extra]) => ({ ...extra, ...fields })),
})).row as fc.Arbitrary<Record<string, unknown>>;

/** A row or, as a method may yield, an array of rows (and values). */
const yielded = fc.oneof(
  { weight: 4, arbitrary: row },
  { weight: 1, arbitrary: fc.array(fc.oneof(row, leaf), { maxLength: 3 }) },
);

const classTransformer = (type: Function, value: object, options: ClassTransformOptions) =>
  instanceToPlain(plainToInstance(type as new () => object, value, options), options);

describe('compilePlainToInstancePlan (plainToInstance from a per-class plan)', () => {
  const plans = PLAN_OPTIONS.map((options) => {
    const toInstance = compilePlainToInstancePlan(options)!;
    const toPlain = compilePlan(options)!;
    return (type: Function, value: object) => toPlain(toInstance(value, type) as object);
  });

  it('compiles a plan for every option set it covers', () => {
    expect(PLAN_OPTIONS.every((options) => compilePlainToInstancePlan(options))).toBe(true);
  });

  it('gives byte-identical JSON to JSON.stringify(instanceToPlain(plainToInstance(Dto, row, options), options)) for 10,000 generated rows, without falling back', () => {
    fc.assert(
      fc.property(
        fc.nat(PLAN_OPTIONS.length - 1),
        fc.constantFrom(...ROW_CLASSES),
        yielded,
        (index, type, value) => {
          expect(outcome(() => plans[index](type, value))).toBe(
            outcome(() => classTransformer(type, value, PLAN_OPTIONS[index])),
          );
        },
      ),
      { numRuns: 10_000, seed: 2026 },
    );
  });

  // The property above can fail: its rows tell every option set apart from the defaults
  // (a plan that ignored one would be caught), but for those class-transformer itself
  // treats as the defaults.
  const SAME_AS_DEFAULTS = [{ groups: [] }, { strategy: 'exposeAll' }].map((o) =>
    JSON.stringify(o),
  );
  const distinct = PLAN_OPTIONS.slice(1).filter(
    (o) => !SAME_AS_DEFAULTS.includes(JSON.stringify(o)),
  );
  it.each(distinct)('generates rows whose JSON tells %o from the defaults', (options) => {
    const { failed } = fc.check(
      fc.property(fc.constantFrom(...ROW_CLASSES), row, (type, value) => {
        expect(outcome(() => classTransformer(type, value, options))).toBe(
          outcome(() => classTransformer(type, value, {})),
        );
      }),
      { numRuns: 2_000, seed: 2026 },
    );
    expect(failed).toBe(true);
  });

  it('sets defaults, maps names back, converts types and runs setters as class-transformer does', () => {
    const value = {
      id: '7',
      full_name: 'Ada',
      createdAt: '2020-01-01T00:00:00.000Z',
      count: '42',
      nickname: 'ada',
      display: 'a getter without setter: not set',
      describe: 'a method: not replaced',
      tags: [{ tag_label: 'a', internal: 1 }],
      payload: { street_name: 'Main St' },
    };
    const options = { exposeDefaultValues: true, enableImplicitConversion: true };
    const toInstance = compilePlainToInstancePlan(options)!;
    const expected = JSON.stringify(classTransformer(UserRow, value, options));
    expect(JSON.stringify(compilePlan(options)!(toInstance(value, UserRow) as object))).toBe(
      expected,
    );
    expect(JSON.parse(expected)).toEqual({
      id: 7,
      full_name: 'Ada',
      createdAt: '2020-01-01T00:00:00.000Z',
      count: 42,
      active: true,
      role: 'user',
      nick: '~ada',
      nickname: '~ada',
      display: '#7',
      tags: [{ tag_label: 'a', hits: 0 }],
      payload: { street_name: 'Main St' },
    });
  });
});
