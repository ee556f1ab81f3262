import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import {
  Expose,
  instanceToPlain,
  plainToInstance,
  Transform,
  Type,
  type ClassTransformOptions,
} from 'class-transformer';
import { compileInstanceToPlain } from '../../lib/serialize/instance-to-plain-plan.js';
import { NOT_COVERED, NOT_COVERED_BY_CLASS } from '../../lib/serialize/plan-coverage.js';
import {
  compilePlainToInstance,
  compilePlainToInstancePlan,
} from '../../lib/serialize/plain-to-instance-plan.js';
import { UserRow } from './plain-row-dtos.js';
import { OPTIONS_NOT_COVERED, outcome } from './plan-outcomes.js';

const classTransformer = (type: Function, value: object, options: ClassTransformOptions = {}) =>
  instanceToPlain(plainToInstance(type as new () => object, value, options), options);

/** The encoder's path: both halves compiled, each falling back on its own. */
function compiledPath(options: ClassTransformOptions = {}) {
  const toInstance = compilePlainToInstance(options);
  const toPlain = compileInstanceToPlain(options);
  return (type: Function, value: object) => toPlain(toInstance(value, type));
}

// What the plan leaves to class-transformer, each next to a covered field.
class TransformedRow {
  @Expose() plain = 1;
  @Transform(({ value }) => (value as number) * 2, { toClassOnly: true }) doubled = 2;
}

class Square {
  kind = 'square';
}
class DiscriminatedRow {
  @Expose() plain = 1;
  @Type(() => Object, {
    discriminator: { property: 'kind', subTypes: [{ value: Square, name: 'square' }] },
  })
  shape?: object;
}

class MapRow {
  @Expose() plain = 1;
  @Type(() => Map) counts?: Map<string, number>;
}

class SetRow {
  @Expose() plain = 1;
  @Type(() => String) names?: Set<string>;
}

class Other {
  other = true;
}
class ReturnsAnotherRow {
  constructor() {
    return new Other();
  }
}

class NotAClassTypeRow {
  @Type(() => (() => 1) as unknown as Function) inner?: unknown;
}

class Instance {
  n = 1;
}

// With the reason the plan gives: the class's metadata, or a value.
const NOT_COVERED_ROWS: Array<[string, Function, () => object, symbol]> = [
  ['@Transform (to the class)', TransformedRow, () => ({ doubled: 3 }), NOT_COVERED_BY_CLASS],
  [
    'a discriminator',
    DiscriminatedRow,
    () => ({ shape: { kind: 'square' } }),
    NOT_COVERED_BY_CLASS,
  ],
  ['@Type(() => Map)', MapRow, () => ({ counts: { a: 1 } }), NOT_COVERED_BY_CLASS],
  ['a Map', UserRow, () => ({ payload: new Map([['a', 1]]) }), NOT_COVERED],
  ['a Map in an array', UserRow, () => ({ tags: [new Map([['a', 1]])] }), NOT_COVERED],
  ['a Set', UserRow, () => ({ tags: new Set([1]) }), NOT_COVERED],
  ['a Buffer', UserRow, () => ({ extra: Buffer.from('hi') }), NOT_COVERED],
  ['a promise', UserRow, () => ({ payload: Promise.resolve(1) }), NOT_COVERED],
  ['a class instance', UserRow, () => ({ extra: new Instance() }), NOT_COVERED],
  [
    'a constructor key that is not a class',
    UserRow,
    () => ({ extra: { constructor: 'x' } }),
    NOT_COVERED,
  ],
  ['an array for a property of design:type Set', SetRow, () => ({ names: ['a'] }), NOT_COVERED],
  ['a constructor that returns another object', ReturnsAnotherRow, () => ({ a: 1 }), NOT_COVERED],
  ['a @Type that is not a class', NotAClassTypeRow, () => ({ inner: { a: 1 } }), NOT_COVERED],
];

describe('compilePlainToInstance', () => {
  it.each(NOT_COVERED_ROWS)(
    'leaves %s to class-transformer, with the same JSON',
    (_, type, make, reason) => {
      let planError: unknown;
      try {
        compilePlainToInstancePlan({})!(make(), type);
      } catch (error) {
        planError = error;
      }
      expect(planError).toBe(reason);
      expect(outcome(() => compiledPath()(type, make()))).toBe(
        outcome(() => classTransformer(type, make())),
      );
    },
  );

  it.each(OPTIONS_NOT_COVERED)('leaves option set %o to class-transformer', (options) => {
    expect(compilePlainToInstancePlan(options)).toBeUndefined();
    const row = { id: '1', full_name: 'Ada', password: 'x', tags: [{ tag_label: 'a' }] };
    expect(outcome(() => compiledPath(options)(UserRow, row))).toBe(
      outcome(() => classTransformer(UserRow, row, options)),
    );
  });

  it('makes the instance of a class whose @Transform only goes to plain, and leaves that half to class-transformer', () => {
    class OutboundRow {
      @Expose() plain = 1;
      @Transform(({ value }) => `sent ${String(value)}`, { toPlainOnly: true }) label = 'x';
    }
    const instance = compilePlainToInstancePlan({})!({ label: 'y' }, OutboundRow);
    expect(instance).toBeInstanceOf(OutboundRow);
    const row = { plain: 2, label: 'y' };
    expect(compiledPath()(OutboundRow, row)).toEqual({ plain: 2, label: 'sent y' });
    expect(compiledPath()(OutboundRow, row)).toEqual(classTransformer(OutboundRow, row));
  });

  it('sends a class whose metadata it does not cover straight to class-transformer after its first row', () => {
    let typeCalls = 0;
    class PartlyCoveredRow {
      @Type(() => {
        typeCalls++;
        return Date;
      })
      at?: Date;
      @Transform(({ value }) => (value as number) + 1, { toClassOnly: true }) n?: number;
    }
    const toInstance = compilePlainToInstance({});
    const row = { at: '2020-01-01T00:00:00.000Z', n: 1 };
    expect(toInstance(row, PartlyCoveredRow)).toEqual(plainToInstance(PartlyCoveredRow, row));
    typeCalls = 0;
    expect(toInstance(row, PartlyCoveredRow)).toEqual({ at: new Date(row.at), n: 2 });
    expect(typeCalls).toBe(1); // class-transformer's call only, no plan run before it
    expect(toInstance({ id: '1' }, UserRow)).toBeInstanceOf(UserRow);
  });

  it('lets the error of a getter without setter, inherited, through as class-transformer does', () => {
    class DetailedUserRow extends UserRow {}
    const row = { id: 1 };
    expect(() => plainToInstance(DetailedUserRow, row)).toThrow(TypeError);
    expect(() => compilePlainToInstancePlan({})!(row, DetailedUserRow)).toThrow(/only a getter/);
  });

  it('takes an object with a falsy constructor key for plain data, as class-transformer does', () => {
    const row = {
      payload: { constructor: null, street_name: 'Main St' },
      extra: { constructor: 0 },
    };
    const toInstance = compilePlainToInstancePlan({})!;
    expect(outcome(() => compileInstanceToPlain({})(toInstance(row, UserRow) as object))).toBe(
      outcome(() => classTransformer(UserRow, row)),
    );
  });
});
