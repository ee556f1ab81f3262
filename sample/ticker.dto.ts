import { ApiProperty } from '@nestjs/swagger';
import { Exclude, Expose } from 'class-transformer';

export class TickDto {
  @ApiProperty({
    description: 'Ticks published since the server started; a gap shows a lost event.',
  })
  @Expose()
  seq!: number;

  @ApiProperty() @Expose() symbol!: string;
  @ApiProperty() @Expose() price!: number;
  @ApiProperty() @Expose() at!: string;

  /** Internal: never reaches a client. */
  @Exclude() source?: string;
}
