import { ValidationPipe, type Type } from '@nestjs/common';
import { EventStreamModule } from 'nestjs-event-stream';
import { EchoModel } from '../../sample/echo-model.js';
import { startApp, type AdapterName, type TestApp } from '../support/app.js';
import { FailingModel } from './failing-model.js';

/** A sample controller that streams a model's tokens, served twice: as it is, and failing. */
export interface ModelApps {
  echo: TestApp;
  /** Its model fails after the first token. */
  failing: TestApp;
  close(): Promise<void>;
}

/** Starts them with the sample app's ValidationPipe. */
export async function startModelApps(controller: Type, adapter: AdapterName): Promise<ModelApps> {
  const start = (model: EchoModel | FailingModel) =>
    startApp(
      {
        imports: [EventStreamModule.forRoot()],
        controllers: [controller],
        providers: [{ provide: EchoModel, useValue: model }],
      },
      { adapter, configure: (app) => app.useGlobalPipes(new ValidationPipe({ transform: true })) },
    );
  const [echo, failing] = await Promise.all([start(new EchoModel()), start(new FailingModel())]);
  return {
    echo,
    failing,
    close: async () => void (await Promise.all([echo.app.close(), failing.app.close()])),
  };
}
