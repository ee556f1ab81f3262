// npm run bench:encode [-- --ms 500 --repeats 5]
// Encoder calls per second for one event, as plain object, as DTO instance and as plain row
// with `type` set, on the burst scenario's DTO (TypeScript, so with `design:type`) and on
// the plain-JavaScript DTO (decorators applied by hand, no `design:type`). Each
// round of a case runs in a process of its own (so the plans' code sees one class, as a
// route's does, not the classes of the cases before); rounds of all cases take turns, and
// the figure is the fastest round, the one other processes on the machine disturbed least.
import 'reflect-metadata';
import { Exclude, Expose, instanceToPlain, plainToInstance } from 'class-transformer';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { createClassTransformerEncoder } from '../lib/serialize/class-transformer-encoder.js';
import { EventDto, plainEvent } from './servers/common.js';

const { values } = parseArgs({
  options: {
    ms: { type: 'string', default: '500' },
    repeats: { type: 'string', default: '5' },
    case: { type: 'string' },
  },
});

const itemRow = (i: number) => ({ id: i, name: 'Portal Gun', price: 999.99, tags: ['a', 'b'] });

/** The DTO, as plain JavaScript writes it: no decorator syntax, so no metadata. */
class ItemDto {
  constructor(i: number) {
    Object.assign(this, itemRow(i));
    (this as { internal?: string }).internal = 'secret';
  }
}
for (const key of ['id', 'name', 'price', 'tags']) Expose()(ItemDto.prototype, key);
Exclude()(ItemDto.prototype, 'internal');

type Encoder = (value: unknown, event: string | undefined) => string;
const untyped = createClassTransformerEncoder({});
const typed = (type: new (i: number) => object) => createClassTransformerEncoder({ type });
const eventEncoder = typed(EventDto);
const itemEncoder = typed(ItemDto);
// What the peers do (raw and @Sse in the burst scenario), for scale.
const classTransformer: Encoder = (value) => JSON.stringify(instanceToPlain(value));
const classTransformerFromRow: Encoder = (value) =>
  JSON.stringify(instanceToPlain(plainToInstance(EventDto, value)));

/** Each case: the encoder, and the values it gets (made beforehand: encoding alone is timed). */
const CASES: Record<string, [Encoder, (i: number) => unknown]> = {
  'plain (bench event)': [untyped, plainEvent],
  'DTO instance, type set (bench EventDto)': [eventEncoder, (i) => new EventDto(i)],
  'plain row, type set (bench EventDto)': [eventEncoder, plainEvent],
  'class-transformer, DTO instance (bench EventDto)': [classTransformer, (i) => new EventDto(i)],
  'class-transformer, plain row (bench EventDto)': [classTransformerFromRow, plainEvent],
  'plain (issue item)': [untyped, itemRow],
  'JS DTO instance, type set (issue ItemDto)': [itemEncoder, (i) => new ItemDto(i)],
  'JS DTO instance, no type (issue ItemDto)': [untyped, (i) => new ItemDto(i)],
  'plain row, type set (issue ItemDto)': [itemEncoder, itemRow],
};

const POOL = 1_024;
/** Timed parts of a round, of which the fastest counts: a moment of load does not. */
const SUB_ROUNDS = 5;

/**
 * Calls per CPU second (this process's user and system time, which other processes on a
 * shared machine disturb less than the wall clock) of `encode` over about `ms` of it.
 */
function round([encode, make]: [Encoder, (i: number) => unknown], ms: number): number {
  const values = Array.from({ length: POOL }, (_, i) => make(i));
  let calls = 0;
  let length = 0;
  const start = process.cpuUsage();
  let elapsed = 0;
  while (elapsed < ms) {
    for (const value of values) length += encode(value, undefined).length;
    calls += POOL;
    const { user, system } = process.cpuUsage(start);
    elapsed = (user + system) / 1_000;
  }
  if (length === 0) throw new Error('nothing encoded');
  return (calls / elapsed) * 1_000;
}

const ms = Number(values.ms);
if (values.case !== undefined) {
  const testCase = CASES[values.case];
  round(testCase, ms); // warm-up: compiled code only
  const figures = Array.from({ length: SUB_ROUNDS }, () => round(testCase, ms / SUB_ROUNDS));
  process.stdout.write(String(Math.max(...figures)));
  process.exit(0);
}

const rounds = new Map<string, number[]>(Object.keys(CASES).map((name) => [name, []]));
for (let r = 0; r < Number(values.repeats); r++) {
  for (const name of Object.keys(CASES)) {
    const args = [...process.execArgv, import.meta.filename, '--case', name, '--ms', String(ms)];
    rounds.get(name)!.push(Number(execFileSync(process.execPath, args, { encoding: 'utf8' })));
  }
}

const best = (name: string) => Math.max(...rounds.get(name)!);
console.log(`Node ${process.version}, best of ${values.repeats} rounds of ${ms} ms of CPU time`);
console.log('| case | encodes per CPU second | ÷ plain |\n|---|---|---|');
for (const name of rounds.keys()) {
  const plain = best(name.includes('issue') ? 'plain (issue item)' : 'plain (bench event)');
  const ratio = (best(name) / plain).toFixed(2);
  console.log(`| ${name} | ${Math.round(best(name)).toLocaleString('en')} | ${ratio} |`);
}
