import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { EVENT_STREAM_MODULE_OPTIONS } from './event-stream.constants.js';
import { EventHub } from './hub/event-hub.js';
import type { EventStreamModuleAsyncOptions } from './interfaces/event-stream-module-async-options.interface.js';
import type { EventStreamModuleOptions } from './interfaces/event-stream-options.interface.js';
import { assertEventHubOptions } from './hub/store-options.js';
import { assertStreamOptions } from './stream/stream-settings.js';

/**
 * Global defaults for every `@EventStream()` route, and the `EventHub`. Importing it is
 * optional: routes work without it, on built-in defaults.
 */
@Module({})
export class EventStreamModule {
  static forRoot(options: EventStreamModuleOptions = {}): DynamicModule {
    return EventStreamModule.withOptions({
      provide: EVENT_STREAM_MODULE_OPTIONS,
      useValue: checked(options),
    });
  }

  static forRootAsync(options: EventStreamModuleAsyncOptions): DynamicModule {
    const { useFactory, inject = [], imports = [] } = options;
    return {
      ...EventStreamModule.withOptions({
        provide: EVENT_STREAM_MODULE_OPTIONS,
        useFactory: async (...args: never[]) => checked(await useFactory(...args)),
        inject,
      }),
      imports,
    };
  }

  private static withOptions(optionsProvider: Provider): DynamicModule {
    return {
      module: EventStreamModule,
      global: true,
      providers: [optionsProvider, EventHub],
      exports: [EVENT_STREAM_MODULE_OPTIONS, EventHub],
    };
  }
}

function checked(options: EventStreamModuleOptions): EventStreamModuleOptions {
  assertStreamOptions('EventStreamModule', options);
  assertEventHubOptions('EventStreamModule', options.hub);
  return options;
}
