import { EVENT_STREAM_MEDIA_TYPE, ITEM_SCHEMA_EXTENSION } from './event-stream-api-response.js';

interface MediaTypes {
  content?: Record<string, Record<string, unknown>>;
}

/**
 * For an OpenAPI 3.2 document, gives every documented `text/event-stream` response the
 * `itemSchema` 3.2 defines for sequential media types: the envelope of each event, with
 * `data` as JSON (`contentSchema`), which 3.0 and 3.1 documents carry as `x-itemSchema`.
 * The `schema` (each event's data) stays, for generators that read a 3.2 document as
 * 3.1 (hey-api). Other versions are returned unchanged. Decorators cannot know the
 * document's version; this runs on the built document:
 * `SwaggerModule.setup('docs', app, withEventStreamItemSchemas(doc))`.
 */
export function withEventStreamItemSchemas<T extends { openapi: string; paths?: object }>(
  document: T,
): T {
  if (!document.openapi.startsWith('3.2')) return document;
  for (const path of Object.values(document.paths ?? {}) as Array<
    Record<string, { responses?: Record<string, MediaTypes> }>
  >) {
    for (const operation of Object.values(path)) {
      for (const response of Object.values(operation?.responses ?? {})) {
        const media = response.content?.[EVENT_STREAM_MEDIA_TYPE];
        if (media?.[ITEM_SCHEMA_EXTENSION] === undefined) continue;
        media.itemSchema = media[ITEM_SCHEMA_EXTENSION];
        delete media[ITEM_SCHEMA_EXTENSION];
      }
    }
  }
  return document;
}
