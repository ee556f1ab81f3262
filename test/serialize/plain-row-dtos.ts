// DTOs for the tests of the plainToInstance plan, with what plainToInstance does that
// instanceToPlain then sees: names mapped back (@Expose({ name })), one-way exposure and
// exclusion, groups, @Type (classes, arrays of them, Date, String/Number/Boolean, chosen
// per object), design:type (enableImplicitConversion), field initialisers and constructors
// (exposeDefaultValues), getters with and without setters, methods, inheritance.
import 'reflect-metadata';
import { Exclude, Expose, Type } from 'class-transformer';

export class TagRow {
  @Expose({ name: 'tag_label' }) label?: string;
  @Exclude() internal?: unknown;
  @Expose() hits = 0;
}

export class AddressRow {
  @Expose({ name: 'street_name' }) street?: string;
  @Exclude({ toPlainOnly: true }) geo?: unknown;
  @Exclude({ toClassOnly: true }) city?: unknown;
  @Type(() => Date) since?: Date;
}

export class UserRow {
  @Expose() id?: number;
  @Expose({ name: 'full_name' }) name?: string;
  @Exclude() password?: unknown;
  @Expose({ groups: ['admin'] }) email?: string;
  @Expose({ toClassOnly: true }) incoming?: unknown;
  @Expose({ toPlainOnly: true }) outgoing?: unknown;
  @Type(() => Date) createdAt?: Date;
  @Type(() => AddressRow) address?: AddressRow;
  @Type(() => TagRow) tags?: TagRow[];
  @Type(() => Number) count?: unknown;
  @Type(() => Boolean) flag?: unknown;
  @Type(() => String) code?: unknown;
  @Type(({ object }: { object: Record<string, unknown> } = { object: {} }) =>
    object.kind === 'tag' ? TagRow : AddressRow,
  )
  payload?: unknown;
  @Expose() active: boolean = true;
  role = 'user';
  _secret?: unknown;
  private nick?: string;

  @Expose()
  get display(): string {
    return `#${typeof this.id === 'number' ? this.id : 'none'}`;
  }

  @Expose()
  get nickname(): string | undefined {
    return this.nick;
  }
  set nickname(value: unknown) {
    this.nick = `~${typeof value === 'string' ? value : typeof value}`;
  }

  describe(): string {
    return 'a method';
  }
}

export class AdminRow extends TagRow {
  @Expose({ groups: ['admin', 'owner'] }) level?: number;
  @Expose({ name: 'legacy_id' }) legacyId?: number;
  @Exclude() override hits = 5;
  @Type(() => UserRow) user?: UserRow;
}

@Exclude()
export class ExcludeAllRow {
  @Expose() a?: unknown;
  b?: unknown;
  @Expose({ name: 'c2' }) c?: unknown;
  @Expose() @Type(() => UserRow) owner?: UserRow;
  @Expose() d = 'default';
}

@Expose()
export class ExposeAllRow {
  x?: unknown;
  @Exclude() y?: unknown;
  @Expose({ groups: ['admin'] }) z?: unknown;
}

/** The DTO: plain JavaScript, decorators by hand, no `design:type`, a constructor. */
export class ConstructedRow {
  constructor(i?: number) {
    Object.assign(this, { id: i, name: 'Portal Gun', price: 999.99, tags: ['a', 'b'] });
    (this as { internal?: string }).internal = 'secret';
  }
}
for (const key of ['id', 'name', 'price', 'tags']) Expose()(ConstructedRow.prototype, key);
Exclude()(ConstructedRow.prototype, 'internal');

export const ROW_CLASSES = [
  TagRow,
  AddressRow,
  UserRow,
  AdminRow,
  ExcludeAllRow,
  ExposeAllRow,
  ConstructedRow,
];

/** Keys of plain rows: properties, their plain names, getters, methods, Object's own ('constructor' aside: see the fallback tests). */
export const ROW_FIELDS = [
  'id',
  'name',
  'full_name',
  'password',
  'email',
  'incoming',
  'outgoing',
  'createdAt',
  'address',
  'tags',
  'count',
  'flag',
  'code',
  'payload',
  'kind',
  'active',
  'role',
  '_secret',
  '$dollar',
  'display',
  'nickname',
  'nick',
  'describe',
  'toString',
  'label',
  'tag_label',
  'internal',
  'hits',
  'street',
  'street_name',
  'geo',
  'city',
  'since',
  'level',
  'legacyId',
  'legacy_id',
  'user',
  'a',
  'b',
  'c',
  'c2',
  'owner',
  'd',
  'x',
  'y',
  'z',
  'price',
];
