import type { ClassMetadata } from './class-transformer-metadata.js';

/**
 * What a plan compiles once per shape of the objects of one class: class-transformer's
 * keys for an object depend on its class and, under strategy `exposeAll`, on its own keys,
 * and the objects of a class mostly come in a few shapes (the same keys, in the same order).
 */
export class ClassShapes<Compiled> {
  /** The shapes seen last, the latest first. */
  private readonly shapes: Array<{ ownKeys: readonly string[]; compiled: Compiled }> = [];
  private withoutOwnKeys: Compiled | undefined;

  constructor(
    readonly metadata: ClassMetadata,
    private readonly compile: (keys: readonly string[]) => Compiled,
  ) {}

  of(value: object): Compiled {
    if (!this.metadata.readsOwnKeys)
      return (this.withoutOwnKeys ??= this.compile(this.metadata.keys([])));
    const ownKeys = Object.keys(value);
    for (const shape of this.shapes) if (sameKeys(shape.ownKeys, ownKeys)) return shape.compiled;
    const compiled = this.compile(this.metadata.keys(ownKeys));
    // Objects used as dictionaries come in ever new shapes: only a few are remembered.
    if (this.shapes.unshift({ ownKeys, compiled }) > MAX_REMEMBERED_SHAPES) this.shapes.pop();
    return compiled;
  }
}

/** One `Compiled` per class (and one for objects of no class), made when first asked for. */
export function perClass<Compiled>(
  make: (target: Function | undefined) => Compiled,
): (target: Function | undefined) => Compiled {
  const byClass = new WeakMap<Function, Compiled>();
  const ofNoClass = make(undefined);
  // Most routes send one class: it is looked up without the WeakMap.
  let lastTarget: Function | undefined;
  let lastCompiled = ofNoClass;
  return (target) => {
    if (target === lastTarget) return lastCompiled;
    if (target === undefined) return ofNoClass;
    let compiled = byClass.get(target);
    if (compiled === undefined) byClass.set(target, (compiled = make(target)));
    lastTarget = target;
    lastCompiled = compiled;
    return compiled;
  };
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const MAX_REMEMBERED_SHAPES = 8;
