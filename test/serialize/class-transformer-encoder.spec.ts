import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Exclude, Expose, instanceToPlain, plainToInstance, Type } from 'class-transformer';
import fc from 'fast-check';
import { createClassTransformerEncoder } from '../../lib/serialize/class-transformer-encoder.js';
import { ConstructedRow, TagRow, UserRow } from './plain-row-dtos.js';

class SecretDto {
  @Expose() name = 'visible';
  @Exclude() password = 'hidden';
}

class WrapperDto {
  @Type(() => SecretDto) inner = new SecretDto();
  at = new Date(0);
}

// Trees of what JSON and class-transformer both handle, with Dates, class instances
// and values JSON drops, nested.
const leaf = fc.oneof(
  fc.jsonValue(),
  fc.date({ noInvalidDate: false }),
  fc.constantFrom(undefined, () => 1),
  fc.constant(null).map(() => new SecretDto()),
  fc.constant(null).map(() => new WrapperDto()),
);
const tree = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 }),
  ),
})).node;

describe('createClassTransformerEncoder', () => {
  it('gives byte-identical JSON to JSON.stringify(instanceToPlain(x)) for 10,000 generated values', () => {
    const encode = createClassTransformerEncoder({});
    fc.assert(
      fc.property(tree, (value) => {
        if (value === undefined || typeof value === 'function') return true; // not event data
        return encode(value, undefined) === JSON.stringify(instanceToPlain(value));
      }),
      { numRuns: 10_000, seed: 9 },
    );
  });

  it('still applies @Exclude to a class instance deep inside plain objects and arrays', () => {
    const encode = createClassTransformerEncoder({});
    expect(encode({ list: [{ user: new SecretDto() }] }, undefined)).toBe(
      '{"list":[{"user":{"name":"visible"}}]}',
    );
  });

  it('with serialize options, leaves even plain trees to class-transformer', () => {
    const encode = createClassTransformerEncoder({ serialize: { excludePrefixes: ['_'] } });
    expect(encode({ _private: 1, open: { _x: 2, y: 3 } }, undefined)).toBe('{"open":{"y":3}}');
  });

  it('gives up on the fast path for very deep trees, with the same JSON', () => {
    let deep: Record<string, unknown> = { end: true };
    for (let i = 0; i < 40; i++) deep = { next: deep };
    const encode = createClassTransformerEncoder({});
    expect(encode(deep, undefined)).toBe(JSON.stringify(deep));
  });

  it('sends a plain row with `type` set as instanceToPlain(plainToInstance(type, row)): names mapped, defaults, nested types', () => {
    const options = { exposeDefaultValues: true, enableImplicitConversion: true };
    const encode = createClassTransformerEncoder({ type: UserRow, serialize: options });
    const row = { id: '3', full_name: 'Ada', password: 'x', tags: [{ tag_label: 'a' }] };
    const expected = JSON.stringify(
      instanceToPlain(plainToInstance(UserRow, row, options), options),
    );
    for (let sent = 0; sent < 40; sent++) expect(encode(row, undefined)).toBe(expected);
    expect(JSON.parse(expected)).toMatchObject({ id: 3, full_name: 'Ada', role: 'user' });
  });

  it("sends each row of an array with `type` set, and a named event's rows with that event's class", () => {
    const encode = createClassTransformerEncoder({ type: ConstructedRow, events: { tag: TagRow } });
    const rows = [{ id: 1, internal: 'x' }, { id: 2 }];
    expect(encode(rows, undefined)).toBe(
      JSON.stringify(instanceToPlain(plainToInstance(ConstructedRow, rows))),
    );
    // hits, not in the row, is set to undefined over its default (no exposeDefaultValues).
    expect(encode({ tag_label: 'a', internal: 1 }, 'tag')).toBe('{"tag_label":"a"}');
  });
});
