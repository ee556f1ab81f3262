// What the tests of the compiled plans share: how a call is compared with class-transformer,
// and the option sets the plans compile or leave to it.
import type { ClassTransformOptions } from 'class-transformer';

/** What a call gave: its JSON, or that it threw. */
export function outcome(call: () => unknown): string {
  try {
    return `json ${JSON.stringify(call())}`;
  } catch (error) {
    return `threw ${(error as Error).name}`;
  }
}

/** Options the plans compile; a test makes each plan once, as a route does. */
export const PLAN_OPTIONS: ClassTransformOptions[] = [
  {},
  { groups: ['admin'] },
  { groups: ['owner', 'other'] },
  { groups: [] },
  { strategy: 'excludeAll' },
  { strategy: 'exposeAll' },
  { excludeExtraneousValues: true },
  { exposeDefaultValues: true },
  { enableImplicitConversion: true },
  { excludePrefixes: ['_', '$'] },
  { exposeUnsetFields: false },
  { exposeDefaultValues: true, exposeUnsetFields: false },
  { groups: ['admin'], excludeExtraneousValues: true, excludePrefixes: ['_'] },
  {
    excludeExtraneousValues: true,
    exposeDefaultValues: true,
    enableImplicitConversion: true,
    groups: ['admin'],
  },
];

/** Options the plans leave to class-transformer. */
export const OPTIONS_NOT_COVERED: ClassTransformOptions[] = [
  { enableCircularCheck: true },
  { ignoreDecorators: true },
  { version: 2 },
  { targetMaps: [] },
];
