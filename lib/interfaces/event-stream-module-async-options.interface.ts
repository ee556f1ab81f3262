import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import type { EventStreamModuleOptions } from './event-stream-options.interface.js';

/** `EventStreamModule.forRootAsync`: options built by a factory with injected dependencies. */
export interface EventStreamModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: FactoryProvider['inject'];
  useFactory: (...args: never[]) => EventStreamModuleOptions | Promise<EventStreamModuleOptions>;
}
