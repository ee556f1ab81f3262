import 'reflect-metadata';
import { Exclude, Expose, Type } from 'class-transformer';

// DTOs with every kind of metadata the plan compiles: @Expose (renamed, in groups,
// one way only, on a getter), @Exclude (one way only, class-wide), @Type (classes,
// arrays of them, Date, String/Number/Boolean, chosen per object), inheritance.
export class TagDto {
  @Expose() label?: unknown;
  @Exclude() internal?: unknown;
}

export class AddressDto {
  @Expose({ name: 'street_name' }) street?: unknown;
  @Exclude({ toPlainOnly: true }) geo?: unknown;
  @Exclude({ toClassOnly: true }) city?: unknown;
}

export class UserDto {
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

export class AdminDto extends UserDto {
  @Expose({ groups: ['admin', 'owner'] }) level?: unknown;
  @Expose({ name: 'id' }) legacyId?: unknown;
  @Exclude() override id?: unknown;
}

@Exclude()
export class ExcludeAllDto {
  @Expose() a?: unknown;
  b?: unknown;
  @Expose({ name: 'c2' }) c?: unknown;
  @Expose() @Type(() => UserDto) owner?: unknown;
}

@Expose()
export class ExposeAllDto {
  x?: unknown;
  @Exclude() y?: unknown;
  @Expose({ groups: ['admin'] }) z?: unknown;
}

export class UndecoratedDto {
  p?: unknown;
  q?: unknown;
}

export const COVERED_CLASSES = [
  TagDto,
  AddressDto,
  UserDto,
  AdminDto,
  ExcludeAllDto,
  ExposeAllDto,
  UndecoratedDto,
];
export const FIELDS = [
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
