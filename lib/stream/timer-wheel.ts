/**
 * Timers of one kind (keep-alive, commit, stall, lifetime), shared by every stream: per
 * interval, one list of members in the order of their deadlines, swept by one timer. A
 * `Timeout` and its callback per stream cost ~180 bytes of an idle stream's heap; a
 * member here costs one entry of a Map.
 */
export class TimerWheels<T> {
  private readonly wheels = new Map<number, TimerWheel<T>>();

  /** `fire` is called once per member whose interval passed since it was scheduled. */
  constructor(private readonly fire: (member: T) => void) {}

  /** (Re)starts the member's countdown: it fires `interval` ms from now, unless cancelled. */
  schedule(member: T, interval: number): void {
    let wheel = this.wheels.get(interval);
    if (!wheel) {
      wheel = new TimerWheel(interval, this.fire);
      this.wheels.set(interval, wheel);
    }
    wheel.schedule(member);
  }

  cancel(member: T, interval: number): void {
    this.wheels.get(interval)?.cancel(member);
  }
}

/**
 * The members of one interval. Each is scheduled `interval` ms from the time it was
 * (re)scheduled, so the Map's insertion order is the order of the deadlines (a member
 * scheduled again moves to the end): a sweep fires from the front and stops at the
 * first member not due. The timer is armed for the front member and dropped once the
 * list is empty.
 */
class TimerWheel<T> {
  /** Member → deadline (`performance.now()` ms: monotonic, and faked with the timers). */
  private readonly deadlines = new Map<T, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly interval: number,
    private readonly fire: (member: T) => void,
  ) {}

  schedule(member: T): void {
    this.deadlines.delete(member);
    this.deadlines.set(member, performance.now() + this.interval);
    // An armed timer is due no later than this member: it sweeps, then re-arms.
    if (this.timer === undefined) this.arm(this.interval);
  }

  cancel(member: T): void {
    if (this.deadlines.delete(member) && this.deadlines.size === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** One timer at a time, even when a fire schedules or cancels members during a sweep. */
  private arm(delay: number): void {
    clearTimeout(this.timer);
    // Whole milliseconds, at least one: a timer may fire a little early, the sweep re-arms.
    this.timer = setTimeout(this.sweep, Math.max(1, Math.ceil(delay)));
    this.timer.unref();
  }

  private readonly sweep = (): void => {
    const now = performance.now();
    // A member that a fire schedules again goes to the end, due after `now`.
    for (const [member, deadline] of this.deadlines) {
      if (deadline > now) return this.arm(deadline - now);
      this.deadlines.delete(member);
      this.fire(member);
    }
    this.timer = undefined;
  };
}
