// npm run bench:heap [-- --pairs floor-express:event-stream-express --clients 1000]
// Where the heap of an idle stream goes: for each server, a heap snapshot before and after
// opening C idle streams (after the memory scenario's warm-up), the difference summed per
// kind of object (V8's node type and constructor or function name), per stream; then, for
// each pair, the second server's figures minus the first's (the framework floor), largest
// difference first.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { getText, openIdle } from './client.js';
import { SERVERS, startServer } from './server-process.js';

const { values: args } = parseArgs({
  options: {
    pairs: {
      type: 'string',
      default: 'floor-express:event-stream-express,floor-fastify:event-stream-fastify',
    },
    clients: { type: 'string', default: '1000' },
    top: { type: 'string', default: '25' },
    // Keeps the snapshots (<server>-before/after.heapsnapshot) in this folder, for a look
    // at their retainers in DevTools.
    keep: { type: 'string' },
  },
});
const CLIENTS = Number(args.clients);

/** Self size and count per kind of object in a `.heapsnapshot` file. */
function summarise(file: string): Map<string, { bytes: number; count: number }> {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const {
    node_fields: fields,
    node_types: [types],
  } = snapshot.snapshot.meta;
  const [type, name, size] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field));
  const kinds = new Map<string, { bytes: number; count: number }>();
  const { nodes, strings } = snapshot;
  for (let i = 0; i < nodes.length; i += fields.length) {
    const nodeType = types[nodes[i + type]];
    // Strings, numbers and arrays are named after their content: grouped by type only.
    const named = nodeType === 'object' || nodeType === 'closure' || nodeType === 'hidden';
    const kind = named ? `${nodeType} ${strings[nodes[i + name]]}` : nodeType;
    const entry = kinds.get(kind) ?? { bytes: 0, count: 0 };
    entry.bytes += nodes[i + size];
    entry.count++;
    kinds.set(kind, entry);
  }
  return kinds;
}

async function snapshot(base: string, label: string) {
  const file = join(args.keep ?? tmpdir(), `${label}.heapsnapshot`);
  await getText(`${base}/heap-snapshot?file=${encodeURIComponent(file)}`);
  const kinds = summarise(file);
  if (!args.keep) rmSync(file);
  return kinds;
}

/** Bytes and objects per idle stream, per kind. */
async function perStream(name: string): Promise<Map<string, { bytes: number; count: number }>> {
  const { file, env } = SERVERS[name];
  const { base, stop } = await startServer(name, file, { env });
  try {
    for (const response of await openIdle(base, 200)) response.destroy();
    await setTimeout(500); // as in the memory scenario: the warm-up connections close
    const before = await snapshot(base, `${name}-before`);
    const idle = await openIdle(base, CLIENTS);
    const after = await snapshot(base, `${name}-after`);
    for (const response of idle) response.destroy();
    const diff = new Map<string, { bytes: number; count: number }>();
    for (const kind of new Set([...before.keys(), ...after.keys()])) {
      const a = after.get(kind) ?? { bytes: 0, count: 0 };
      const b = before.get(kind) ?? { bytes: 0, count: 0 };
      diff.set(kind, {
        bytes: (a.bytes - b.bytes) / CLIENTS,
        count: (a.count - b.count) / CLIENTS,
      });
    }
    return diff;
  } finally {
    await stop();
  }
}

const pairs = args.pairs.split(',').map((pair) => pair.split(':') as [string, string]);
const results = new Map<string, Map<string, { bytes: number; count: number }>>();
for (const name of new Set(pairs.flat())) results.set(name, await perStream(name));
const total = (kinds: Map<string, { bytes: number }>) =>
  [...kinds.values()].reduce((sum, { bytes }) => sum + bytes, 0);
for (const [name, kinds] of results) {
  console.log(`${name}: ${total(kinds).toFixed(0)} B per idle stream`);
}
for (const [floor, name] of pairs) {
  const kinds = results.get(name)!;
  const base = results.get(floor)!;
  const rows = [...new Set([...kinds.keys(), ...base.keys()])]
    .map((kind) => {
      const ours = kinds.get(kind) ?? { bytes: 0, count: 0 };
      const theirs = base.get(kind) ?? { bytes: 0, count: 0 };
      return { kind, bytes: ours.bytes - theirs.bytes, count: ours.count - theirs.count };
    })
    .filter(({ bytes }) => Math.abs(bytes) >= 1)
    .sort((a, b) => Math.abs(b.bytes) - Math.abs(a.bytes))
    .slice(0, Number(args.top));
  console.log(`\n${name} − ${floor}, per idle stream\n\n| kind | bytes | objects |\n|---|---|---|`);
  for (const { kind, bytes, count } of rows) {
    console.log(`| ${kind} | ${bytes.toFixed(0)} | ${count.toFixed(2)} |`);
  }
}
