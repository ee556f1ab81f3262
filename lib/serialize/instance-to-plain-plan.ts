import {
  Exclude,
  instanceToPlain,
  TransformationType,
  type ClassTransformOptions,
} from 'class-transformer';
import type { TypeMetadata } from 'class-transformer/types/interfaces/index.js';
import { defaultMetadataStorage as storage } from 'class-transformer/cjs/storage.js';

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
  if (!plan) return (value) => instanceToPlain(value, options);
  // Classes whose own metadata the plan does not cover: straight to class-transformer,
  // rather than a plan run cut short each time.
  const leftToClassTransformer = new WeakSet<object>();
  return (value) => {
    if (leftToClassTransformer.has(value.constructor)) return instanceToPlain(value, options);
    try {
      return plan(value);
    } catch (error) {
      const { constructor } = value;
      if (
        error === NOT_COVERED_BY_CLASS &&
        typeof constructor === 'function' &&
        constructor !== Object &&
        constructor !== Array
      ) {
        leftToClassTransformer.add(constructor);
      }
      if (error === NOT_COVERED || error === NOT_COVERED_BY_CLASS)
        return instanceToPlain(value, options);
      throw error;
    }
  };
}

/** Thrown by a plan for a value it does not cover (a Map, a promise …). */
export const NOT_COVERED = Symbol('not covered by the plan');
/** Thrown by a plan for a class whose metadata it does not cover (`@Transform` …). */
export const NOT_COVERED_BY_CLASS = Symbol('class not covered by the plan');

/** The plan for these options, or undefined if they are not covered. */
export function compilePlan(
  options: ClassTransformOptions,
): ((value: object) => unknown) | undefined {
  const settings: ClassTransformOptions = { exposeUnsetFields: true, ...options };
  const covered =
    storageIsShared &&
    !settings.enableCircularCheck &&
    !settings.ignoreDecorators &&
    !settings.targetMaps &&
    settings.version === undefined;
  if (!covered) return undefined;

  const plans = new WeakMap<Function, ClassPlan>();
  const untypedPlan = new ClassPlan(undefined, settings);
  const planOf = (target: Function | undefined): ClassPlan => {
    if (target === undefined) return untypedPlan;
    let plan = plans.get(target);
    if (!plan) plans.set(target, (plan = new ClassPlan(target, settings)));
    return plan;
  };

  const transform = (value: unknown, type: unknown): unknown => {
    if (Array.isArray(value)) {
      const array: unknown[] = [];
      // forEach, as class-transformer: holes are left out, not turned into null.
      value.forEach((item: unknown) => {
        if (item instanceof Map) throw NOT_COVERED;
        array.push(transform(item, type));
      });
      return array;
    }
    if (value instanceof Set) throw NOT_COVERED;
    if (type === String || type === Number || type === Boolean) {
      return value === null || value === undefined
        ? value
        : (type as (value: unknown) => unknown)(value);
    }
    if (type === Date || value instanceof Date) {
      if (value instanceof Date) return new Date(value.valueOf());
      return value === null || value === undefined ? value : new Date(value as string);
    }
    if (type === Buffer || value instanceof Buffer) throw NOT_COVERED;
    if (value === null || typeof value !== 'object') return value;
    if (typeof (value as { then?: unknown }).then === 'function' || value instanceof Map)
      throw NOT_COVERED;
    return transformObject(value, planOf(targetOf(value, type)));
  };

  const transformObject = (value: object, plan: ClassPlan): object => {
    const plain: Record<string, unknown> = {};
    const record = value as Record<string, unknown>;
    if (plan.sendsOwnKeys) {
      for (const key of Object.keys(value)) {
        const property = plan.property(key);
        if (property.sent) setProperty(plain, record, property);
      }
    }
    for (const property of plan.exposed) {
      // Keys class-transformer lists twice (own and exposed) are sent once, at the first.
      if (!plan.sendsOwnKeys || !propertyIsEnumerable.call(value, property.key))
        setProperty(plain, record, property);
    }
    return plain;
  };

  const setProperty = (
    plain: Record<string, unknown>,
    value: Record<string, unknown>,
    property: PropertyPlan,
  ): void => {
    if (!property.covered) throw NOT_COVERED_BY_CLASS;
    const item = value[property.key];
    if (typeof item === 'function') throw NOT_COVERED; // class-transformer calls it
    const { type } = property;
    const itemType =
      type &&
      (type.typeFunction
        ? type.typeFunction({ newObject: plain, object: value, property: property.key })
        : type.reflectedType);
    const result = transform(item, itemType);
    if (result !== undefined || settings.exposeUnsetFields) plain[property.name] = result;
  };

  return (value) => transform(value, undefined);
}

/** How one key of a class is sent. */
interface PropertyPlan {
  key: string;
  /** The name it is sent under (`@Expose({ name })`). */
  name: string;
  /** Whether class-transformer sends it at all with these options. */
  sent: boolean;
  type: TypeMetadata | undefined;
  /** False when class-transformer would do what the plan does not (e.g. `@Transform`). */
  covered: boolean;
}

/** A class's keys, as class-transformer's `getKeys` would list them, and how each is sent. */
class ClassPlan {
  /** Whether the object's own keys are sent (strategy `exposeAll`), before the exposed ones. */
  readonly sendsOwnKeys: boolean;
  /** `@Expose`d properties that are sent, in class-transformer's order. */
  readonly exposed: readonly PropertyPlan[];
  private readonly properties = new Map<string, PropertyPlan>();
  private readonly excluded: readonly string[];

  constructor(
    private readonly target: Function | undefined,
    private readonly options: ClassTransformOptions,
  ) {
    const classStrategy = target ? storage.getStrategy(target) : 'none';
    const strategy = classStrategy === 'none' ? options.strategy || 'exposeAll' : classStrategy;
    this.sendsOwnKeys = strategy === 'exposeAll' && !(target && options.excludeExtraneousValues);
    this.excluded = target
      ? storage.getExcludedProperties(target, TransformationType.CLASS_TO_PLAIN)
      : [];
    const exposed = target
      ? storage.getExposedProperties(target, TransformationType.CLASS_TO_PLAIN)
      : [];
    this.exposed = [...new Set(exposed)]
      .map((key) => this.property(key))
      .filter((property) => property.sent);
  }

  property(key: string): PropertyPlan {
    const known = this.properties.get(key);
    if (known) return known;
    const property = this.compileProperty(key);
    // Objects used as dictionaries bring ever new keys: those are not remembered.
    if (this.properties.size < MAX_REMEMBERED_KEYS) this.properties.set(key, property);
    return property;
  }

  private compileProperty(key: string): PropertyPlan {
    const { target, options } = this;
    const expose = target && storage.findExposeMetadata(target, key);
    const type = target && storage.findTypeMetadata(target, key);
    const transforms = target
      ? storage.findTransformMetadatas(target, key, TransformationType.CLASS_TO_PLAIN)
      : [];
    const exposedInGroups = expose?.options?.groups;
    const inGroups = options.groups?.length
      ? !exposedInGroups || exposedInGroups.some((group) => options.groups!.includes(group))
      : !exposedInGroups?.length;
    const sent =
      key !== '__proto__' &&
      key !== 'constructor' &&
      !this.excluded.includes(key) &&
      (!target || inGroups) &&
      !options.excludePrefixes?.some((prefix) => key.startsWith(prefix));
    return {
      key,
      name: expose?.options?.name || key,
      sent,
      type: type || undefined,
      covered:
        transforms.length === 0 && !type?.options?.discriminator && type?.reflectedType !== Map,
    };
  }
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

const MAX_REMEMBERED_KEYS = 1024;
const { propertyIsEnumerable } = Object.prototype;

/**
 * Whether the decorators write to the storage read here: a bundle could hold a second
 * copy of class-transformer, and a plan read from an empty storage would send what
 * `@Exclude` hides. Without it, every value goes to class-transformer.
 */
const storageIsShared = (() => {
  class Probe {}
  Exclude()(Probe.prototype, 'probe');
  return storage.findExcludeMetadata(Probe, 'probe') !== undefined;
})();
