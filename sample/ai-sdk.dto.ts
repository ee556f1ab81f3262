import { IsArray, Matches } from 'class-validator';
import type { UIMessage } from 'ai';

/** What the AI SDK's `DefaultChatTransport` posts: the chat's id and its messages. */
export class ChatRequestDto {
  @Matches(/^[\w-]{1,100}$/)
  id!: string;

  @IsArray()
  messages!: UIMessage[];
}

/** The text of the last message, which the model answers. */
export function lastText({ messages }: ChatRequestDto): string {
  const parts = messages.at(-1)?.parts ?? [];
  return parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
}
