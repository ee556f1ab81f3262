import type { Type } from '@nestjs/common';

type Swagger = typeof import('@nestjs/swagger');

/** A response as `@ApiResponse()` stores it in the route's metadata. */
export interface DeclaredResponse {
  description?: string;
  type?: Type | string;
  isArray?: boolean;
  schema?: object;
  content?: Record<string, object>;
  example?: unknown;
  examples?: unknown;
  headers?: object;
  links?: object;
}

const API_PRODUCES_METADATA = 'swagger/apiProduces';

// The classes @nestjs/swagger maps to a JSON type of their lower-cased name.
const BUILT_IN_TYPES: unknown[] = [String, Boolean, Number, Object, Array];

/**
 * The media types of a response the user declared for the stream's status (the JSON
 * answer of a route that answers JSON or SSE), built as @nestjs/swagger builds them
 * from `type`, `isArray`, `schema` and examples. Written out here because the stream
 * joins them in `content`, which @nestjs/swagger would otherwise replace.
 */
export function declaredMediaTypes(
  swagger: Swagger,
  declared: DeclaredResponse,
  method: object,
): Record<string, object> {
  if (declared.content) return declared.content;
  const schema = declared.schema ?? typeSchema(swagger, declared.type, method);
  const examples = {
    ...('example' in declared && { example: declared.example }),
    ...('examples' in declared && { examples: declared.examples }),
  };
  if (!schema && Object.keys(examples).length === 0) return {};
  const media = {
    ...(schema && {
      schema: declared.isArray && !declared.schema ? { type: 'array', items: schema } : schema,
    }),
    ...examples,
  };
  const produces: string[] = Reflect.getMetadata(API_PRODUCES_METADATA, method) ?? [
    'application/json',
  ];
  return Object.fromEntries(produces.map((mediaType) => [mediaType, media]));
}

function typeSchema(swagger: Swagger, type: Type | string | undefined, method: object) {
  if (type === undefined) return undefined;
  const name = typeof type === 'string' ? type : BUILT_IN_TYPES.includes(type) && type.name;
  if (name) return { type: name.charAt(0).toLowerCase() + name.slice(1) };
  swagger.ApiExtraModels(type as Type)({}, '', { value: method });
  return { $ref: swagger.getSchemaPath(type as Type) };
}
