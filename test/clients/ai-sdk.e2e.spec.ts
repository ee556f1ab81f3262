import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DefaultChatTransport, readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import { AiSdkController } from '../../sample/ai-sdk.controller.js';
import { ADAPTERS, NEST, type TestApp } from '../support/app.js';
import { startModelApps, type ModelApps } from './model-apps.js';

/** A transport that records each response's status and UI message stream header. */
function transportFor(t: TestApp) {
  const responses: Array<{ status: number; protocol: string | null }> = [];
  const transport = new DefaultChatTransport<UIMessage>({
    api: `${t.url}/api/chat`,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      responses.push({
        status: response.status,
        protocol: response.headers.get('x-vercel-ai-ui-message-stream'),
      });
      return response;
    },
  });
  return { transport, responses };
}

function userMessage(text: string): UIMessage {
  return { id: `user-${text}`, role: 'user', parts: [{ type: 'text', text }] };
}

function send(transport: DefaultChatTransport<UIMessage>, chatId: string, text: string) {
  return transport.sendMessages({
    chatId,
    messages: [userMessage(text)],
    trigger: 'submit-message',
    messageId: undefined,
    abortSignal: undefined,
  });
}

/** The assistant message as the SDK assembles it, and the errors its chunks reported. */
async function assemble(stream: ReadableStream<UIMessageChunk>) {
  const errors: string[] = [];
  let message: UIMessage | undefined;
  for await (const snapshot of readUIMessageStream<UIMessage>({
    stream,
    onError: (error) => errors.push((error as Error).message),
  })) {
    message = snapshot;
  }
  return { message, errors };
}

function textOf(message: UIMessage | undefined): string {
  return (message?.parts ?? []).map((part) => (part.type === 'text' ? part.text : '')).join('');
}

describe.each(ADAPTERS)(`the AI SDK against AiSdkController (%s, ${NEST})`, (adapter) => {
  let apps: ModelApps;
  beforeAll(async () => (apps = await startModelApps(AiSdkController, adapter)));
  afterAll(() => apps.close());

  it('streams a UI message stream that DefaultChatTransport and readUIMessageStream assemble', async () => {
    const { transport, responses } = transportFor(apps.echo);
    const { message, errors } = await assemble(await send(transport, 'chat-1', 'hello there'));
    expect(errors).toEqual([]);
    expect(message?.role).toBe('assistant');
    expect(message?.parts).toEqual([
      { type: 'text', text: 'You said: hello there ', state: 'done' },
    ]);
    expect(responses).toEqual([{ status: 200, protocol: 'v1' }]);
  });

  it('reconnectToStream after a finished generation gets the whole answer again', async () => {
    const { transport, responses } = transportFor(apps.echo);
    const first = await assemble(await send(transport, 'chat-2', 'once more'));
    const stream = await transport.reconnectToStream({ chatId: 'chat-2' });
    const again = await assemble(stream!);
    expect(textOf(again.message)).toBe('You said: once more ');
    expect(again.message).toEqual(first.message);
    expect(responses).toEqual([
      { status: 200, protocol: 'v1' },
      { status: 200, protocol: 'v1' },
    ]);
  });

  it('reconnects to the latest answer of a chat', async () => {
    const { transport } = transportFor(apps.echo);
    await assemble(await send(transport, 'chat-3', 'first'));
    await assemble(await send(transport, 'chat-3', 'second'));
    const { message } = await assemble((await transport.reconnectToStream({ chatId: 'chat-3' }))!);
    expect(textOf(message)).toBe('You said: second ');
  });

  it('gives a client that left mid-answer the whole answer when it reconnects', async () => {
    const { transport } = transportFor(apps.echo);
    const leaving = new AbortController();
    const stream = await transport.sendMessages({
      chatId: 'chat-4',
      messages: [userMessage('a longer question than most')],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: leaving.signal,
    });
    const reader = stream.getReader();
    let read = await reader.read();
    while (!read.done && read.value.type !== 'text-delta') read = await reader.read();
    expect(read.done).toBe(false);
    leaving.abort();
    const { message, errors } = await assemble(
      (await transport.reconnectToStream({ chatId: 'chat-4' }))!,
    );
    expect(errors).toEqual([]);
    expect(textOf(message)).toBe('You said: a longer question than most ');
  });

  it('answers reconnectToStream for a chat with no stream with 204, which the SDK takes as null', async () => {
    const { transport, responses } = transportFor(apps.echo);
    expect(await transport.reconnectToStream({ chatId: 'no-such-chat' })).toBeNull();
    expect(responses).toEqual([{ status: 204, protocol: 'v1' }]);
  });

  it('ends a generation that fails after its first chunk with an error chunk from errorEvent', async () => {
    const { transport } = transportFor(apps.failing);
    const { message, errors } = await assemble(await send(transport, 'chat-5', 'hello'));
    expect(errors).toEqual(['the model went away']);
    expect(textOf(message)).toBe('Hel');
  });

  it('gives a client that resumes a failed generation the answer up to the failure', async () => {
    const { transport } = transportFor(apps.failing);
    await assemble(await send(transport, 'chat-6', 'hello'));
    const { message, errors } = await assemble(
      (await transport.reconnectToStream({ chatId: 'chat-6' }))!,
    );
    expect(errors).toEqual([]);
    expect(textOf(message)).toBe('Hel');
  });

  it('rejects a request the ValidationPipe refuses before streaming (400)', async () => {
    const { transport } = transportFor(apps.echo);
    await expect(send(transport, 'not a valid id!', 'hello')).rejects.toThrow(/id must match/);
  });
});
