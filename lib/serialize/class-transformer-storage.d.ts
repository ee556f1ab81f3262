// class-transformer keeps its decorators' metadata in this CommonJS module (the one
// @nestjs/mapped-types reads too); its types live under types/, not next to it.
declare module 'class-transformer/cjs/storage.js' {
  import type { MetadataStorage } from 'class-transformer/types/MetadataStorage.js';
  export const defaultMetadataStorage: MetadataStorage;
}
