// npm run bench:profile -- bench/results/profiles/event-stream-express-1/*.cpuprofile [--top 25]
// Self time per function of a V8 CPU profile (node --cpu-prof), grouped by function and
// file, the idle and GC ticks apart: where a server spends its time.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' } },
});
for (const path of positionals) {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfTime = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const file = url
      .replace(/^.*\/node_modules\//, '')
      .replace(/^file:\/\/.*\/(lib|bench)\//, '$1/');
    const key = `${functionName || '(anonymous)'} ${file}${url ? `:${lineNumber + 1}` : ''}`;
    const delta = profile.timeDeltas[i] ?? 0;
    selfTime.set(key, (selfTime.get(key) ?? 0) + delta);
    total += delta;
  });
  console.log(`${path}: ${(total / 1e6).toFixed(1)} s sampled`);
  for (const [key, time] of [...selfTime]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(values.top))) {
    console.log(`${((100 * time) / total).toFixed(1).padStart(5)} %  ${key}`);
  }
}
