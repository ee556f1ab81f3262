/** A wait before a retry that `cancel()` (a close) cuts short. */
export class RetryTimer {
  private wake: (() => void) | undefined;

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  cancel(): void {
    this.wake?.();
  }
}
