import { IsString, MaxLength, MinLength } from 'class-validator';

export class PromptDto {
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  prompt!: string;
}

export class TokenDto {
  text!: string;
}
