/** One key of a shape: where it is read, the name it is sent under, and whether it is typed. */
export interface ShapeProperty {
  key: string;
  name: string;
  /** A `@Type` (or any conversion) applies: even a primitive goes to `send`. */
  typed: boolean;
}

/** Sends one key's value (whatever the generated code does not copy itself) onto `plain`. */
export type SendProperty<Property> = (
  plain: Record<string, unknown>,
  record: Record<string, unknown>,
  property: Property,
  item: unknown,
) => void;

export type ShapeFunction = (record: Record<string, unknown>) => Record<string, unknown>;

/**
 * A function that does for objects of one shape what `send` does for each of their keys,
 * in order, with each key and name written into its code: V8 then makes every property
 * access in it one compare and one load or store, where a loop over the keys sees all
 * keys at each access and goes through a cache each time. A primitive value of an untyped
 * key is copied by the code itself; anything else goes to `send`. Keys and names enter
 * the code as JSON string literals only. Undefined where code generation from strings is
 * disallowed (`--disallow-code-generation-from-strings`, a CSP): the caller keeps its loop.
 */
export function compileShapeFunction<Property extends ShapeProperty>(
  properties: readonly Property[],
  exposeUnsetFields: boolean,
  send: SendProperty<Property>,
): ShapeFunction | undefined {
  if (!codeGenerationAllowed) return undefined;
  const steps = properties.map(({ key, name, typed }, i) => {
    const read = `item = record[${JSON.stringify(key)}];`;
    const sendIt = `send(plain, record, properties[${i}], item);`;
    if (typed) return `${read} ${sendIt}`;
    const copy = exposeUnsetFields
      ? `plain[${JSON.stringify(name)}] = item;`
      : `if (item !== undefined) plain[${JSON.stringify(name)}] = item;`;
    return `${read}
      if (typeof item === 'function' || (typeof item === 'object' && item !== null)) ${sendIt}
      else ${copy}`;
  });
  const body = `'use strict';
    return function sendShape(record) {
      const plain = {};
      let item;
      ${steps.join('\n')}
      return plain;
    };`;
  try {
    return new Function('properties', 'send', body)(properties, send) as ShapeFunction;
  } catch (error) {
    if (!(error instanceof EvalError)) throw error;
    codeGenerationAllowed = false;
    return undefined;
  }
}

let codeGenerationAllowed = true;
