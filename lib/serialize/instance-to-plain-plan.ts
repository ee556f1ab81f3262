import { instanceToPlain, TransformationType, type ClassTransformOptions } from 'class-transformer';
import type { TypeMetadata } from 'class-transformer/types/interfaces/index.js';
import { KEYED_OBJECT, transformLeaf } from './leaf-values.js';
import { ClassMetadata } from './class-transformer-metadata.js';
import { ClassShapes, perClass } from './class-shapes.js';
import {
  compileShapeFunction,
  type SendProperty,
  type ShapeFunction,
  type ShapeProperty,
} from './shape-function.js';
import { NOT_COVERED, NOT_COVERED_BY_CLASS, planCovers, withFallback } from './plan-coverage.js';

/**
 * `instanceToPlain(value, options)`, from a plan per class compiled once from
 * class-transformer's metadata: which keys are sent under which names, and the `@Type`
 * of each. class-transformer looks all of that up again for every key of every object.
 *
 * The plan mirrors class-transformer 0.5's algorithm step by step (key order included),
 * so the JSON of its result is byte-identical. What it does not cover (`@Transform`,
 * discriminators, Maps, Sets, Buffers, promises, function-valued properties) sends the
 * whole value to class-transformer itself; so do the options it does not cover.
 */
export function compileInstanceToPlain(
  options: ClassTransformOptions = {},
): (value: object) => unknown {
  const plan = compilePlan(options);
  const classTransformer = (value: object) => instanceToPlain(value, options);
  if (!plan) return classTransformer;
  const transform = withFallback(plan, classTransformer);
  return (value) => transform(value, undefined);
}

/** How one key of a class is sent: `name` is the one it is sent under (`@Expose({ name })`). */
interface PropertyPlan extends ShapeProperty {
  type: TypeMetadata | undefined;
}

/** How objects of one shape are sent (undefined if a key of it is not covered). */
type ShapePlan =
  | { properties: readonly PropertyPlan[]; sent: number; compiled: ShapeFunction | undefined }
  | undefined;

/**
 * The plan for these options, or undefined if they are not covered. `compileAfter`: the
 * objects of a shape sent by the plan's loop before the shape gets its compiled function,
 * so that a shape seen a few times only (objects used as dictionaries) is not compiled.
 */
export function compilePlan(
  options: ClassTransformOptions,
  compileAfter = 32,
): ((value: object) => unknown) | undefined {
  const settings: ClassTransformOptions = { exposeUnsetFields: true, ...options };
  if (!planCovers(settings)) return undefined;
  const exposeUnsetFields = !!settings.exposeUnsetFields;

  const shapesOf = perClass((target) => {
    const metadata = new ClassMetadata(target, TransformationType.CLASS_TO_PLAIN, settings);
    return new ClassShapes(metadata, (keys): ShapePlan => {
      if (!keys.every((key) => metadata.isCovered(key))) return undefined;
      const properties = keys.map((key) => {
        const type = metadata.type(key);
        return { key, name: metadata.expose(key)?.options?.name || key, type, typed: !!type };
      });
      return { properties, sent: 0, compiled: undefined };
    });
  });

  // The class (and prototype) of the last object of no `@Type` that took the whole way
  // below: the next of that class, not a promise either, takes the short way.
  let lastConstructor: unknown;
  let lastPrototype: unknown;
  let lastShapes = shapesOf(undefined);

  const transform = (value: unknown, type: unknown): unknown => {
    if (type === undefined && (typeof value !== 'object' || value === null)) return value;
    if (Array.isArray(value)) return transformArray(value, type);
    if (
      type === undefined &&
      (value as object).constructor === lastConstructor &&
      Object.getPrototypeOf(value) === lastPrototype &&
      typeof (value as { then?: unknown }).then !== 'function'
    )
      return transformObject(value as object, lastShapes.of(value as object));
    const leaf = transformLeaf(value, type);
    if (leaf !== KEYED_OBJECT) return leaf;
    const object = value as object; // transformLeaf took anything else
    const shapes = shapesOf(targetOf(object, type));
    if (type === undefined) {
      lastConstructor = object.constructor;
      lastPrototype = Object.getPrototypeOf(object);
      lastShapes = shapes;
    }
    return transformObject(object, shapes.of(object));
  };

  const transformArray = (value: unknown[], type: unknown): unknown[] => {
    const array: unknown[] = [];
    // As class-transformer's forEach: holes are left out, not turned into null.
    for (let i = 0, length = value.length; i < length; i++) {
      if (!(i in value)) continue;
      const item = value[i];
      if (type === undefined && (typeof item !== 'object' || item === null)) array.push(item);
      else if (item instanceof Map) throw NOT_COVERED;
      else array.push(transform(item, type));
    }
    return array;
  };

  const transformObject = (value: object, shape: ShapePlan): object => {
    if (!shape) throw NOT_COVERED_BY_CLASS;
    const record = value as Record<string, unknown>;
    if (!shape.compiled && shape.sent++ === compileAfter)
      shape.compiled = compileShapeFunction(shape.properties, exposeUnsetFields, sendProperty);
    if (shape.compiled) return shape.compiled(record);
    const plain: Record<string, unknown> = {};
    for (const property of shape.properties)
      sendProperty(plain, record, property, record[property.key]);
    return plain;
  };

  const sendProperty: SendProperty<PropertyPlan> = (plain, record, property, item) => {
    if (typeof item === 'function') throw NOT_COVERED; // class-transformer calls it
    const { type } = property;
    const result =
      type === undefined
        ? transform(item, undefined)
        : transform(
            item,
            type.typeFunction
              ? type.typeFunction({ newObject: plain, object: record, property: property.key })
              : type.reflectedType,
          );
    if (result !== undefined || exposeUnsetFields) plain[property.name] = result;
  };

  return (value) => transform(value, undefined);
}

/** The class whose metadata applies to an object, as class-transformer picks it. */
function targetOf(value: object, type: unknown): Function | undefined {
  const target = type || (value.constructor !== Object ? value.constructor : undefined);
  if (target === undefined) return undefined;
  // class-transformer fails or takes odd paths on these: it may do so itself.
  if (typeof target !== 'function' || typeof target.prototype !== 'object' || target === Array)
    throw NOT_COVERED;
  return target;
}
