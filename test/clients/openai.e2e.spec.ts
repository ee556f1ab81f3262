import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import OpenAI, { APIError, BadRequestError } from 'openai';
import { OpenAiController } from '../../sample/openai.controller.js';
import { EchoModel } from '../../sample/echo-model.js';
import { ADAPTERS, NEST, startApp, type TestApp } from '../support/app.js';
import { Deferred } from '../support/deferred.js';
import { startModelApps, type ModelApps } from './model-apps.js';

const messages = [{ role: 'user' as const, content: 'hello there' }];

function openAiClient(t: TestApp): OpenAI {
  return new OpenAI({ apiKey: 'sk-test', baseURL: `${t.url}/v1`, maxRetries: 0 });
}

/** A model that yields one token, then waits until the request's signal aborts. */
class ParkedModel {
  readonly stopped = new Deferred();

  async *generate(_prompt: string, signal: AbortSignal): AsyncGenerator<string> {
    try {
      yield 'Hel';
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    } finally {
      this.stopped.resolve();
    }
  }
}

describe.each(ADAPTERS)(`the openai SDK against OpenAiController (%s, ${NEST})`, (adapter) => {
  let apps: ModelApps;
  beforeAll(async () => (apps = await startModelApps(OpenAiController, adapter)));
  afterAll(() => apps.close());

  it('streams chunks that the SDK assembles into the reply', async () => {
    const stream = openAiClient(apps.echo).chat.completions.stream({ model: 'echo', messages });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    stream.on('chunk', (chunk) => chunks.push(chunk));
    const completion = await stream.finalChatCompletion();
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'stop',
      message: { role: 'assistant', content: 'You said: hello there ' },
    });
    expect(chunks.map((chunk) => chunk.object)).toEqual(Array(6).fill('chat.completion.chunk'));
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  it('gives the raw stream to create({ stream: true }), ended by [DONE]', async () => {
    const stream = await openAiClient(apps.echo).chat.completions.create({
      model: 'echo',
      messages,
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('You said: hello there ');
  });

  it('answers stream: false from the same method with the JSON completion', async () => {
    const completion = await openAiClient(apps.echo).chat.completions.create({
      model: 'echo',
      messages,
    });
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'echo',
      choices: [{ index: 0, message: { role: 'assistant', content: 'You said: hello there ' } }],
    });
    expect(completion.id).toMatch(/^chatcmpl-/);
  });

  it('surfaces an error after the first chunk as an APIError with the errorEvent message', async () => {
    const stream = await openAiClient(apps.failing).chat.completions.create({
      model: 'echo',
      messages,
      stream: true,
    });
    const received: string[] = [];
    const reading = (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    })();
    const error = await reading.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ message: 'the model went away', type: 'server_error' });
    expect(received).toEqual(['', 'Hel']);
  });

  it('stops the model when the client stops reading', async () => {
    const model = new ParkedModel();
    const parked = await startApp(
      { controllers: [OpenAiController], providers: [{ provide: EchoModel, useValue: model }] },
      { adapter },
    );
    try {
      const stream = await openAiClient(parked).chat.completions.create({
        model: 'echo',
        messages,
        stream: true,
      });
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) break;
      await model.stopped.promise;
    } finally {
      await parked.app.close();
    }
  });

  it('rejects a request the ValidationPipe refuses with a BadRequestError in OpenAI shape', async () => {
    const error = await openAiClient(apps.echo)
      .chat.completions.create({ model: 'echo', messages: 'hello' as never, stream: true })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error' });
    expect((error as BadRequestError).message).toMatch(/^400 .*messages must be an array/);
  });

  it('rejects stream: false the same way', async () => {
    const error = await openAiClient(apps.echo)
      .chat.completions.create({ model: 42 as never, messages })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toBe('400 model must be a string');
  });
});
