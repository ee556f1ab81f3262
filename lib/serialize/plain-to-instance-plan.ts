import { plainToInstance, TransformationType, type ClassTransformOptions } from 'class-transformer';
import type { TypeMetadata } from 'class-transformer/types/interfaces/index.js';
import { KEYED_OBJECT, transformLeaf } from './leaf-values.js';
import { ClassMetadata } from './class-transformer-metadata.js';
import { ClassShapes, perClass } from './class-shapes.js';
import { NOT_COVERED, NOT_COVERED_BY_CLASS, planCovers, withFallback } from './plan-coverage.js';

/**
 * `plainToInstance(type, value, options)`, from a plan per class compiled once from
 * class-transformer's metadata, as the instance plan does for `instanceToPlain`.
 *
 * The plan makes the instances class-transformer makes (`new type()`, each time, so that
 * field initialisers and constructors run as they would), then sets on them what it would
 * set, in its order: the instance plan then sends the JSON class-transformer would send,
 * default values, getters and setters included. Values not plain data (class instances,
 * Maps, Sets, promises …), `@Transform`, discriminators and the options the instance plan
 * leaves out go to class-transformer.
 */
export function compilePlainToInstance(
  options: ClassTransformOptions = {},
): (value: object, type: Function) => object {
  const plan = compilePlainToInstancePlan(options);
  const classTransformer = (value: object, type: Function | undefined) =>
    plainToInstance(type as new () => object, value, options);
  // An object in, an object out (an instance, or an array for an array).
  return (plan ? withFallback(plan, classTransformer) : classTransformer) as (
    value: object,
    type: Function,
  ) => object;
}

/** How one key of a plain object is set on the instance. */
interface PropertyPlan {
  key: string;
  /** The property it sets (`@Expose({ name })` maps the plain name back to it). */
  propertyName: string;
  type: TypeMetadata | undefined;
  /** The type TypeScript emitted for the property, with `enableImplicitConversion`. */
  implicitType: unknown;
  /** The class of a new array for an array value: `@Type`'s `design:type` of the property. */
  arrayType: unknown;
  /** class-transformer skips a key that is a getter (without setter) or method of the class. */
  skippedByPrototype: boolean;
}

/** The keys of one shape of plain objects, and the prototype `skippedByPrototype` is of. */
type ShapePlan = { properties: readonly PropertyPlan[]; prototype: object } | undefined;

/** The plan for these options, or undefined if they are not covered. */
export function compilePlainToInstancePlan(
  options: ClassTransformOptions,
): ((value: object, type: Function | undefined) => unknown) | undefined {
  const settings: ClassTransformOptions = { exposeUnsetFields: true, ...options };
  if (!planCovers(settings)) return undefined;
  const { exposeDefaultValues, exposeUnsetFields, enableImplicitConversion } = settings;

  const shapesOf = perClass((target) => {
    const metadata = new ClassMetadata(target, TransformationType.PLAIN_TO_CLASS, settings);
    const prototype = (target ?? Object).prototype as object;
    return new ClassShapes(metadata, (keys): ShapePlan => {
      const properties = keys.map((key): PropertyPlan => {
        const propertyName = metadata.exposedAs(key)?.propertyName ?? key;
        const type = metadata.type(propertyName);
        const descriptor = Object.getOwnPropertyDescriptor(prototype, propertyName);
        return {
          key,
          propertyName,
          type,
          implicitType:
            !type && enableImplicitConversion ? metadata.designType(propertyName) : undefined,
          arrayType: type?.reflectedType,
          skippedByPrototype: !!descriptor && !descriptor.set,
        };
      });
      const covered = properties.every(({ propertyName }) => metadata.isCovered(propertyName));
      return covered ? { properties, prototype } : undefined;
    });
  });

  const transform = (value: unknown, type: unknown, arrayType?: unknown): unknown => {
    if (type === undefined && (typeof value !== 'object' || value === null)) return value;
    if (Array.isArray(value)) {
      const array = arrayType === undefined || arrayType === Array ? [] : newArray(arrayType);
      // As class-transformer's forEach: holes are left out, not turned into null.
      for (let i = 0, length = value.length; i < length; i++) {
        if (!(i in value)) continue;
        const item: unknown = value[i];
        if (item instanceof Map) throw NOT_COVERED;
        array.push(transform(item, type));
      }
      return array;
    }
    const leaf = transformLeaf(value, type);
    if (leaf !== KEYED_OBJECT) return leaf;
    const object = value as object; // transformLeaf took anything else
    return transformObject(object, targetOf(object, type));
  };

  const transformObject = (value: object, target: Function | undefined): object => {
    const shape = shapesOf(target).of(value);
    if (!shape) throw NOT_COVERED_BY_CLASS;
    const instance = (target ? new (target as new () => object)() : {}) as Record<string, unknown>;
    // What `skippedByPrototype` was read from: a constructor may return another object.
    if (instance.constructor.prototype !== shape.prototype) throw NOT_COVERED;
    const record = value as Record<string, unknown>;
    for (const property of shape.properties) {
      const { propertyName, type } = property;
      const item = record[property.key];
      if (item instanceof Map) throw NOT_COVERED;
      const itemType = type
        ? type.typeFunction
          ? type.typeFunction({ newObject: instance, object: record, property: propertyName })
          : type.reflectedType
        : property.implicitType;
      if (property.skippedByPrototype || instance[propertyName] instanceof Function) continue;
      const result =
        item === undefined && exposeDefaultValues
          ? instance[propertyName]
          : transform(item, itemType, Array.isArray(item) ? property.arrayType : undefined);
      if (result !== undefined || exposeUnsetFields) instance[propertyName] = result;
    }
    return instance;
  };

  return (value, type) => transform(value, type);
}

/**
 * The array class-transformer fills for an array value of a property whose `@Type` has
 * this `design:type`: it makes one (so its constructor runs here as it would there) and
 * fills it if it is a Set or has a push method (a collection class of the user's: left to
 * class-transformer), else an array.
 */
function newArray(arrayType: unknown): unknown[] {
  const made: object = new (arrayType as new () => object)();
  if (made instanceof Set || 'push' in made) throw NOT_COVERED;
  return [];
}

/** The class a plain object is made an instance of: its `@Type`, or none for plain data. */
function targetOf(value: object, type: unknown): Function | undefined {
  if (type === undefined) {
    const { constructor } = value as { constructor?: unknown };
    // Plain data; class-transformer also takes a falsy `constructor` key, and `Array` (an
    // object posing as an array), for no class. Else it makes a new instance of the
    // object's class, or fails on its `constructor` key: it may do so itself.
    if (!constructor || constructor === Object || constructor === Array) return undefined;
    throw NOT_COVERED;
  }
  // class-transformer fails or takes odd paths on these: it may do so itself.
  if (typeof type !== 'function' || typeof type.prototype !== 'object' || type === Array)
    throw NOT_COVERED;
  return type;
}
