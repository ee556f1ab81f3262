import { Logger } from '@nestjs/common';

type Swagger = typeof import('@nestjs/swagger');

let swagger: Promise<Swagger | null> | undefined;

/**
 * Runs `apply` with `@nestjs/swagger` if the app has it (an optional peer); without it,
 * nothing is loaded and nothing runs. Asynchronous: an ESM-only package can only be
 * imported that way from anywhere (top-level await would keep this package from being
 * `require()`d), and it runs long before a document is built, once every decorator of
 * the method has been applied.
 */
export function withSwagger(apply: (swagger: Swagger) => void): void {
  swagger ??= import('@nestjs/swagger').catch(() => null);
  swagger
    .then((loaded) => loaded && apply(loaded))
    .catch((error: unknown) =>
      new Logger('EventStream').error(
        'could not document an event stream for OpenAPI',
        (error as Error)?.stack,
      ),
    );
}
