// The stream options an instance is started with, as command-line flags: the harness
// takes them, passes them on to each instance, and the instance hands them to
// EventStreamModule.forRoot as they are. A flag not given is an option not set, so the
// app runs on releases that do not know the newer options yet.

/** Flag name → the module option it sets. */
const OPTION_OF_FLAG = {
  retry: 'retry',
  drain: 'shutdownDrain',
  'max-lifetime': 'maxLifetime',
  'stall-timeout': 'stallTimeout',
  'keep-alive': 'keepAlive',
} as const;

export type StreamFlag = keyof typeof OPTION_OF_FLAG;
export type StreamFlags = Partial<Record<StreamFlag, string>>;

/** The flags for `util.parseArgs`. */
export const STREAM_FLAG_OPTIONS = Object.fromEntries(
  Object.keys(OPTION_OF_FLAG).map((flag) => [flag, { type: 'string' }]),
) as Record<StreamFlag, { type: 'string' }>;

/** The flags given, as the module options they stand for. */
export function streamOptionsFromFlags(flags: StreamFlags): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [flag, option] of Object.entries(OPTION_OF_FLAG) as Array<[StreamFlag, string]>) {
    const value = flags[flag];
    if (value !== undefined) options[option] = parseFlag(flag, value);
  }
  return options;
}

/** The flags given, as arguments for a child process. */
export function streamFlagArgs(flags: StreamFlags): string[] {
  return (Object.keys(OPTION_OF_FLAG) as StreamFlag[]).flatMap((flag) =>
    flags[flag] === undefined ? [] : [`--${flag}`, flags[flag]],
  );
}

const MILLISECONDS = /^\d+$/;
const RANGE = /^(\d+)-(\d+)$/;

function parseFlag(flag: StreamFlag, value: string): unknown {
  if (MILLISECONDS.test(value)) return Number(value);
  const range = RANGE.exec(value);
  if (flag === 'retry' && range) return { min: Number(range[1]), max: Number(range[2]) };
  if ((flag === 'stall-timeout' || flag === 'keep-alive') && value === 'false') return false;
  const expected =
    flag === 'retry'
      ? 'milliseconds or a range of them (100-400)'
      : flag === 'stall-timeout' || flag === 'keep-alive'
        ? 'milliseconds or false'
        : 'milliseconds';
  throw new RangeError(`rolling-restart: "--${flag}" must be ${expected}, got "${value}"`);
}
