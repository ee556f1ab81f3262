import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import {
  Exclude,
  Expose,
  instanceToPlain,
  Transform,
  Type,
  type ClassTransformOptions,
} from 'class-transformer';
import fc from 'fast-check';
import { compileInstanceToPlain, compilePlan } from '../../lib/serialize/instance-to-plain-plan.js';
import { NOT_COVERED, NOT_COVERED_BY_CLASS } from '../../lib/serialize/plan-coverage.js';

// DTOs with every kind of metadata the plan compiles: @Expose (renamed, in groups,
// one way only, on a getter), @Exclude (one way only, class-wide), @Type (classes,
// arrays of them, Date, String/Number/Boolean, chosen per object), inheritance.
class TagDto {
  @Expose() label?: unknown;
  @Exclude() internal?: unknown;
}

class AddressDto {
  @Expose({ name: 'street_name' }) street?: unknown;
  @Exclude({ toPlainOnly: true }) geo?: unknown;
  @Exclude({ toClassOnly: true }) city?: unknown;
}

class UserDto {
  @Expose() id?: unknown;
  @Expose({ name: 'full_name' }) name?: unknown;
  @Exclude() password?: unknown;
  @Expose({ groups: ['admin'] }) email?: unknown;
  @Expose({ groups: [] }) phone?: unknown;
  @Expose({ toClassOnly: true }) incoming?: unknown;
  @Expose({ toPlainOnly: true, since: 2 }) outgoing?: unknown;
  @Type(() => Date) createdAt?: unknown;
  @Type(() => AddressDto) address?: unknown;
  @Type(() => TagDto) tags?: unknown;
  @Type(() => String) code?: unknown;
  @Type(() => Number) count?: unknown;
  @Type(() => Boolean) flag?: unknown;
  @Type(({ object }: { object: Record<string, unknown> } = { object: {} }) =>
    object.id === 1 ? TagDto : AddressDto,
  )
  payload?: unknown;
  _secret?: unknown;

  @Expose()
  get display(): string {
    return `#${String(this.id)}`;
  }
}

class AdminDto extends UserDto {
  @Expose({ groups: ['admin', 'owner'] }) level?: unknown;
  @Expose({ name: 'id' }) legacyId?: unknown;
  @Exclude() override id?: unknown;
}

@Exclude()
class ExcludeAllDto {
  @Expose() a?: unknown;
  b?: unknown;
  @Expose({ name: 'c2' }) c?: unknown;
  @Expose() @Type(() => UserDto) owner?: unknown;
}

@Expose()
class ExposeAllDto {
  x?: unknown;
  @Exclude() y?: unknown;
  @Expose({ groups: ['admin'] }) z?: unknown;
}

class UndecoratedDto {
  p?: unknown;
  q?: unknown;
}

const COVERED_CLASSES = [
  TagDto,
  AddressDto,
  UserDto,
  AdminDto,
  ExcludeAllDto,
  ExposeAllDto,
  UndecoratedDto,
];
const FIELDS = [
  'id',
  'name',
  'password',
  'email',
  'phone',
  'incoming',
  'outgoing',
  'createdAt',
  'address',
  'tags',
  'code',
  'count',
  'flag',
  'payload',
  '_secret',
  '$dollar',
  'label',
  'internal',
  'street',
  'geo',
  'city',
  'level',
  'legacyId',
  'a',
  'b',
  'c',
  'owner',
  'x',
  'y',
  'z',
  'p',
  'q',
  'display2',
];

// Options the plan compiles, each with its plan made once (as a route does).
const OPTIONS: ClassTransformOptions[] = [
  {},
  { groups: ['admin'] },
  { groups: ['owner', 'other'] },
  { groups: [] },
  { strategy: 'excludeAll' },
  { strategy: 'exposeAll' },
  { excludeExtraneousValues: true },
  { excludePrefixes: ['_', '$'] },
  { exposeUnsetFields: false },
  { groups: ['admin'], excludeExtraneousValues: true, excludePrefixes: ['_'] },
];

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

/** What a call gave: its JSON, or that it threw. */
function outcome(call: () => unknown): string {
  try {
    return `json ${JSON.stringify(call())}`;
  } catch (error) {
    return `threw ${(error as Error).name}`;
  }
}

describe('compilePlan (instanceToPlain from a per-class plan)', () => {
  const plans = OPTIONS.map((options) => compilePlan(options)!);

  it('compiles a plan for every option set it covers', () => {
    expect(plans.every((plan) => typeof plan === 'function')).toBe(true);
  });

  it('gives byte-identical JSON to JSON.stringify(instanceToPlain(x, options)) for 10,000 generated DTOs, without falling back', () => {
    fc.assert(
      fc.property(fc.nat(OPTIONS.length - 1), instances(value), (index, dto) => {
        expect(outcome(() => plans[index](dto))).toBe(
          outcome(() => instanceToPlain(dto, OPTIONS[index])),
        );
      }),
      { numRuns: 10_000, seed: 2026 },
    );
  });

  it('gives byte-identical JSON with every shape compiled to a function, for 2,000 generated DTOs', () => {
    // Every shape compiled at once (by default, once it has sent 32 objects).
    const compiled = OPTIONS.map((options) => compilePlan(options, 0)!);
    fc.assert(
      fc.property(fc.nat(OPTIONS.length - 1), instances(value), (index, dto) => {
        expect(outcome(() => compiled[index](dto))).toBe(
          outcome(() => instanceToPlain(dto, OPTIONS[index])),
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

  it.each<ClassTransformOptions>([
    { enableCircularCheck: true },
    { ignoreDecorators: true },
    { version: 2 },
    { targetMaps: [] },
  ])('leaves option set %o to class-transformer', (options) => {
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
