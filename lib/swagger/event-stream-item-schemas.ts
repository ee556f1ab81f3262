import { EVENT_STREAM_MEDIA_TYPE } from './event-stream-api-response.js';

interface MediaTypes {
  content?: Record<string, { schema?: unknown; itemSchema?: unknown }>;
}

/**
 * For an OpenAPI 3.2 document, describes every `text/event-stream` response as 3.2's
 * sequential media types want: the envelope is the schema of each item (`itemSchema`),
 * not of the whole body. Other versions are returned unchanged (3.0 and 3.1 have no
 * `itemSchema`). Decorators cannot know the document's version; this runs on the
 * built document: `SwaggerModule.setup('docs', app, withEventStreamItemSchemas(doc))`.
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
        if (media?.schema === undefined) continue;
        media.itemSchema = media.schema;
        delete media.schema;
      }
    }
  }
  return document;
}
