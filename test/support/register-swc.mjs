// `node --import ./test/support/register-swc.mjs file.ts` runs TypeScript directly.
import { register } from 'node:module';

register('./swc-hooks.mjs', import.meta.url);
