import { Exclude, TransformationType, type ClassTransformOptions } from 'class-transformer';
import type { ExposeMetadata, TypeMetadata } from 'class-transformer/types/interfaces/index.js';
import { defaultMetadataStorage as storage } from 'class-transformer/cjs/storage.js';

/** The two ways a plan goes: `instanceToPlain` and `plainToInstance`. */
export type Direction = TransformationType.CLASS_TO_PLAIN | TransformationType.PLAIN_TO_CLASS;

/**
 * What class-transformer's metadata says about one class (or, for `undefined`, an object
 * of no class), in one direction, under one option set: the keys it transforms, as its
 * `getKeys` lists them, and each key's metadata. Read once; class-transformer reads it
 * again for every key of every object.
 */
export class ClassMetadata {
  /** Whether the object's own keys are transformed (strategy `exposeAll`), first. */
  readonly readsOwnKeys: boolean;
  /** The `@Expose`d keys that are transformed (for `plainToInstance`, their plain names). */
  private readonly exposed: readonly string[];
  private readonly excluded: readonly string[];
  private readonly keyIsTransformed = new Map<string, boolean>();

  constructor(
    readonly target: Function | undefined,
    private readonly direction: Direction,
    private readonly options: ClassTransformOptions,
  ) {
    const classStrategy = target ? storage.getStrategy(target) : 'none';
    const strategy = classStrategy === 'none' ? options.strategy || 'exposeAll' : classStrategy;
    this.readsOwnKeys = strategy === 'exposeAll' && !(target && options.excludeExtraneousValues);
    this.excluded = target ? storage.getExcludedProperties(target, direction) : [];
    const exposed = target ? storage.getExposedProperties(target, direction) : [];
    const keys =
      direction === TransformationType.PLAIN_TO_CLASS
        ? exposed.map((key) => storage.findExposeMetadata(target!, key)?.options?.name || key)
        : exposed;
    this.exposed = [...new Set(keys)].filter((key) => this.isTransformed(key));
  }

  /**
   * The keys transformed for an object with these own keys (ignored unless `readsOwnKeys`),
   * in class-transformer's order; '__proto__' and 'constructor', which it skips, left out.
   */
  keys(ownKeys: readonly string[]): string[] {
    if (!this.readsOwnKeys) return [...this.exposed];
    const keys = ownKeys.filter((key) => this.isTransformed(key));
    // Keys listed twice (own and exposed) count once, at the first.
    for (const key of this.exposed) if (!ownKeys.includes(key)) keys.push(key);
    return keys;
  }

  expose(key: string): ExposeMetadata | undefined {
    return this.target && storage.findExposeMetadata(this.target, key);
  }

  /** The `@Expose({ name })` whose name is this key of a plain object (`plainToInstance`). */
  exposedAs(name: string): ExposeMetadata | undefined {
    return this.target && storage.findExposeMetadataByCustomName(this.target, name);
  }

  type(key: string): TypeMetadata | undefined {
    return (this.target && storage.findTypeMetadata(this.target, key)) || undefined;
  }

  /** The type TypeScript emitted for the key, if a decorator made it emit one. */
  designType(key: string): unknown {
    return this.target && Reflect.getMetadata('design:type', this.target.prototype, key);
  }

  /** False when class-transformer would do what no plan does for this key. */
  isCovered(key: string): boolean {
    const type = this.type(key);
    return (
      !(this.target && storage.findTransformMetadatas(this.target, key, this.direction).length) &&
      !type?.options?.discriminator &&
      type?.reflectedType !== Map
    );
  }

  /** Whether class-transformer's getKeys keeps the key, by its filters that look at it alone. */
  private isTransformed(key: string): boolean {
    let kept = this.keyIsTransformed.get(key);
    if (kept === undefined) {
      kept = this.passesFilters(key);
      // Objects used as dictionaries bring ever new keys: those are not remembered.
      if (this.keyIsTransformed.size < MAX_REMEMBERED_KEYS) this.keyIsTransformed.set(key, kept);
    }
    return kept;
  }

  private passesFilters(key: string): boolean {
    const { target, options } = this;
    if (key === '__proto__' || key === 'constructor') return false;
    if (options.excludePrefixes?.some((prefix) => key.startsWith(prefix))) return false;
    if (!target) return true;
    if (this.excluded.includes(key)) return false;
    const groups = this.expose(key)?.options?.groups;
    return options.groups?.length
      ? !groups || groups.some((group) => options.groups!.includes(group))
      : !groups?.length;
  }
}

export const MAX_REMEMBERED_KEYS = 1024;

/**
 * Whether the decorators write to the storage read here: a bundle could hold a second
 * copy of class-transformer, and a plan read from an empty storage would send what
 * `@Exclude` hides. Without it, every value goes to class-transformer.
 */
export const storageIsShared = (() => {
  class Probe {}
  Exclude()(Probe.prototype, 'probe');
  return storage.findExcludeMetadata(Probe, 'probe') !== undefined;
})();
