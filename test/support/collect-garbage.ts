import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// A forced GC without starting node with --expose-gc: the flag, set at run time, puts
// `gc` in the next context made.
setFlagsFromString('--expose-gc');
export const collectGarbage = runInNewContext('gc') as () => void;

/** Heap in use once the garbage is collected. */
export function heapUsedAfterGc(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}
