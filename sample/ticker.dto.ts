import { Exclude, Expose } from 'class-transformer';

export class TickDto {
  @Expose() symbol!: string;
  @Expose() price!: number;
  @Expose() at!: string;
  /** Internal: never reaches a client. */
  @Exclude() source?: string;
}
