import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class PromptDto {
  @ApiProperty({ example: 'Tell me about streams' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  prompt!: string;
}

export class TokenDto {
  @ApiProperty() text!: string;
}

export class UsageDto {
  @ApiProperty({ description: 'Tokens in the reply.' }) tokens!: number;
}
