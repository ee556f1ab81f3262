import type { Type } from '@nestjs/common';

let envelope: Type | undefined;

/**
 * The event envelope as a model Swagger registers once, as the component
 * `ServerSentEvent`: the fields a client's parser hands it for every event. Each route
 * adds its own `data` (Swagger's models cannot hold an untyped property).
 */
export function serverSentEventModel({
  ApiPropertyOptional,
}: typeof import('@nestjs/swagger')): Type {
  if (envelope) return envelope;
  const model = { ServerSentEvent: class {} }.ServerSentEvent;
  const fields: Array<[string, PropertyDecorator]> = [
    [
      'id',
      ApiPropertyOptional({
        type: String,
        description: 'The event id; a reconnecting client sends it back as Last-Event-ID.',
      }),
    ],
    [
      'event',
      ApiPropertyOptional({ type: String, description: 'The event name ("message" when absent).' }),
    ],
    [
      'retry',
      ApiPropertyOptional({
        type: 'integer',
        minimum: 0,
        description: 'Reconnection delay in milliseconds.',
      }),
    ],
  ];
  for (const [name, decorate] of fields) decorate(model.prototype, name);
  envelope = model;
  return model;
}
