import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Expose, instanceToPlain, Transform, Type } from 'class-transformer';
import { compileInstanceToPlain, compilePlan } from '../../lib/serialize/instance-to-plain-plan.js';
import { NOT_COVERED, NOT_COVERED_BY_CLASS } from '../../lib/serialize/plan-coverage.js';
import { UndecoratedDto, UserDto } from './instance-dtos.js';
import { OPTIONS_NOT_COVERED, outcome } from './plan-outcomes.js';

// What the plan leaves to class-transformer, each next to a covered field.
class TransformedDto {
  @Expose() plain = 1;
  @Transform(({ value }) => (value as number) * 2) doubled = 2;
}

class Square {
  kind = 'square';
}
class DiscriminatedDto {
  @Type(() => Object, {
    discriminator: { property: 'kind', subTypes: [{ value: Square, name: 'square' }] },
  })
  shape: object = new Square();
}

class MapDto {
  @Type(() => Map) counts: Map<string, number> = new Map([['a', 1]]);
}

// With the reason the plan gives: the class's metadata, or a value.
const NOT_COVERED_VALUES: Array<[string, () => object, symbol]> = [
  ['@Transform', () => new TransformedDto(), NOT_COVERED_BY_CLASS],
  ['a discriminator', () => new DiscriminatedDto(), NOT_COVERED_BY_CLASS],
  ['a Map', () => new MapDto(), NOT_COVERED_BY_CLASS],
  ['a Map in an array', () => [new Map([['a', 1]])], NOT_COVERED],
  ['a Set', () => ({ set: new Set([1, 2]) }), NOT_COVERED],
  ['a Buffer', () => ({ bytes: Buffer.from('hi') }), NOT_COVERED],
  ['a promise', () => ({ later: Promise.resolve(1) }), NOT_COVERED],
  ['a method-valued property', () => ({ now: () => 5 }), NOT_COVERED],
  [
    'a constructor property that is not a class',
    () => ({ inner: { constructor: 'x' } }),
    NOT_COVERED,
  ],
];

describe('compileInstanceToPlain', () => {
  it.each(NOT_COVERED_VALUES)(
    'leaves %s to class-transformer, with the same JSON',
    (_, make, reason) => {
      let planError: unknown;
      try {
        compilePlan({})!(make());
      } catch (error) {
        planError = error;
      }
      expect(planError).toBe(reason);
      expect(outcome(() => compileInstanceToPlain({})(make()))).toBe(
        outcome(() => instanceToPlain(make())),
      );
    },
  );

  it.each(OPTIONS_NOT_COVERED)('leaves option set %o to class-transformer', (options) => {
    expect(compilePlan(options)).toBeUndefined();
    const user = Object.assign(new UserDto(), { id: 1, outgoing: 2, password: 'x' });
    expect(JSON.stringify(compileInstanceToPlain(options)(user))).toBe(
      JSON.stringify(instanceToPlain(user, options)),
    );
  });

  it('sends a class whose metadata it does not cover straight to class-transformer after its first value', () => {
    let typeCalls = 0;
    class PartlyCovered {
      @Type(() => {
        typeCalls++;
        return Date;
      })
      at = new Date(0);
      @Transform(({ value }) => (value as number) + 1) n = 1;
    }
    const toPlain = compileInstanceToPlain({});
    expect(toPlain(new PartlyCovered())).toEqual(instanceToPlain(new PartlyCovered()));
    typeCalls = 0;
    expect(toPlain(new PartlyCovered())).toEqual({ at: new Date(0), n: 2 });
    expect(typeCalls).toBe(1); // class-transformer's call only, no plan run before it
    expect(JSON.stringify(toPlain({ plain: true, inner: new PartlyCovered() }))).toBe(
      '{"plain":true,"inner":{"at":"1970-01-01T00:00:00.000Z","n":2}}',
    );
    expect(compilePlan({})!({ plain: 1 })).toEqual({ plain: 1 });
  });

  it('lets an error of a getter through, as class-transformer does', () => {
    class Failing {
      @Expose()
      get broken(): never {
        throw new RangeError('getter failed');
      }
    }
    expect(() => compileInstanceToPlain({})(new Failing())).toThrow('getter failed');
  });

  it('sends every key of objects used as dictionaries, also past the keys it remembers', () => {
    const toPlain = compileInstanceToPlain({});
    for (let i = 0; i < 3_000; i++) {
      const dictionary = Object.assign(new UndecoratedDto(), { [`key${i}`]: i });
      expect(toPlain(dictionary)).toEqual({ [`key${i}`]: i });
    }
  });
});
