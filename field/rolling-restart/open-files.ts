// File descriptors: the limit this process (and so its children) may open, and the
// most that one process of each role held during a run, read from /proc.
import { readdirSync, readFileSync } from 'node:fs';

/** The soft limit on open files (`ulimit -n`). */
export function openFileLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('Max open files'));
  const soft = line?.split(/\s{2,}/)[1];
  return soft === 'unlimited' ? Infinity : Number(soft);
}

function openFiles(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0; // gone meanwhile (an instance being restarted)
  }
}

/** Samples the open files of each role's processes while it runs; keeps the peak per process. */
export class OpenFilesSampler {
  private readonly peaks: Record<string, number> = {};
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly roles: () => Record<string, Array<number | undefined>>,
    intervalMs = 250,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.sample();
  }

  /** Stops sampling; the peak open files of one process, per role. */
  stop(): Record<string, number> {
    clearInterval(this.timer);
    this.sample();
    return { ...this.peaks };
  }

  private sample(): void {
    for (const [role, pids] of Object.entries(this.roles())) {
      for (const pid of pids) {
        if (pid !== undefined) this.peaks[role] = Math.max(this.peaks[role] ?? 0, openFiles(pid));
      }
    }
  }
}
