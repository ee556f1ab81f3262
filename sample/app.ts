import 'reflect-metadata';
import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';

/** The sample app, configured but not listening: main.ts starts it, the tests too. */
export async function createApp(options: { logger?: false } = {}): Promise<INestApplication> {
  const app = configureApp(await NestFactory.create(AppModule, options));
  const config = new DocumentBuilder()
    .setTitle('nestjs-event-stream sample')
    .setVersion('1')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config), {
    jsonDocumentUrl: 'docs-json',
  });
  return app;
}

/** Validation and shutdown hooks, on an app of AppModule (a test may build its own). */
export function configureApp(app: INestApplication): INestApplication {
  app.useGlobalPipes(new ValidationPipe({ transform: true }));
  app.enableShutdownHooks();
  return app;
}
