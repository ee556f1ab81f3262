import type { ClassTransformOptions } from 'class-transformer';
import { storageIsShared } from './class-transformer-metadata.js';

/** Thrown by a plan for a value it does not cover (a Map, a promise …). */
export const NOT_COVERED = Symbol('not covered by the plan');
/** Thrown by a plan for a class whose metadata it does not cover (`@Transform` …). */
export const NOT_COVERED_BY_CLASS = Symbol('class not covered by the plan');

/**
 * Whether the plans cover an option set (with class-transformer's defaults merged in):
 * circular checks, ignored decorators, target maps and versions are left to it.
 */
export function planCovers(settings: ClassTransformOptions): boolean {
  return (
    storageIsShared &&
    !settings.enableCircularCheck &&
    !settings.ignoreDecorators &&
    !settings.targetMaps &&
    settings.version === undefined
  );
}

/** A compiled plan, or class-transformer's own function, for a value and its class (if given). */
export type Transformation = (value: object, type: Function | undefined) => unknown;

/**
 * `plan`, and `classTransformer` for what the plan throws it does not cover. A class (the
 * given one, else the value's) whose metadata it does not cover goes straight to
 * class-transformer from then on, rather than to a plan run cut short each time.
 */
export function withFallback(
  plan: Transformation,
  classTransformer: Transformation,
): Transformation {
  const leftToClassTransformer = new WeakSet<object>();
  return (value, type) => {
    const target: unknown = type ?? value.constructor;
    if (leftToClassTransformer.has(target as object)) return classTransformer(value, type);
    try {
      return plan(value, type);
    } catch (error) {
      if (error === NOT_COVERED_BY_CLASS && isClass(target)) leftToClassTransformer.add(target);
      if (error === NOT_COVERED || error === NOT_COVERED_BY_CLASS)
        return classTransformer(value, type);
      throw error;
    }
  };
}

function isClass(target: unknown): target is Function {
  return typeof target === 'function' && target !== Object && target !== Array;
}
