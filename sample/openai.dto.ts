import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsOptional, IsString, ValidateNested } from 'class-validator';

export class ChatMessageDto {
  @IsIn(['developer', 'system', 'user', 'assistant'])
  role!: 'developer' | 'system' | 'user' | 'assistant';

  @IsString()
  content!: string;
}

/** The part of OpenAI's chat completion request this server reads. */
export class ChatCompletionRequestDto {
  @IsString()
  model!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ChatMessageDto)
  messages!: ChatMessageDto[];

  @IsOptional()
  @IsBoolean()
  stream?: boolean;
}
