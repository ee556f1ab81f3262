/**
 * What an `@EventStream()` method's return value travels in through Nest's
 * interceptor chain. Nest flattens a returned Observable into its values; boxed, the
 * interceptor receives the source itself and can tell an Observable of arrays from
 * an array.
 */
export class HandlerResult {
  constructor(readonly value: unknown) {}
}
