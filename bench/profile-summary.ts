/**
 * `tsx bench/profile-summary.ts FILE.cpuprofile [--top N] [--from S] [--to S] [--timeline]`: where a
 * V8 CPU profile's time went, as self time per category (GC, this project, node internals, each
 * dependency) and per function. `--from`/`--to` keep the samples between those seconds after the
 * profile's start (one stage of a run); `--timeline` prints the busy share of every 5 s first, to
 * find them.
 * Profiles come from BENCH_CPU_PROF_DIR (see bench/lib.ts) or `node --cpu-prof`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' }, from: { type: 'string', default: '0' }, to: { type: 'string', default: 'Infinity' }, timeline: { type: 'boolean', default: false } },
});
if (positionals.length !== 1) {
  process.stderr.write('usage: tsx bench/profile-summary.ts FILE.cpuprofile [--top N] [--from S] [--to S] [--timeline]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
const [from, to] = [Number(values.from) * 1e6, Number(values.to) * 1e6];
if (!(from >= 0) || !(to > from)) {
  process.stderr.write(`--from ${values.from} --to ${values.to}: need 0 <= from < to (seconds)\n`);
  process.exit(2);
}
const idleIds = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
const slices = new Map<number, { busy: number; all: number }>();
let at = 0;
profile.samples.forEach((id, i) => {
  const us = profile.timeDeltas[i] ?? 0;
  at += us;
  const slice = slices.get(Math.floor(at / 5e6)) ?? { busy: 0, all: 0 };
  slice.all += us;
  if (!idleIds.has(id)) slice.busy += us;
  slices.set(Math.floor(at / 5e6), slice);
  if (at >= from && at < to) self.set(id, (self.get(id) ?? 0) + us);
});
if (values.timeline) {
  process.stdout.write('busy share per 5 s\n');
  for (const [k, { busy, all }] of [...slices].sort((a, b) => a[0] - b[0])) process.stdout.write(`${String(k * 5).padStart(6)} s ${((100 * busy) / all).toFixed(0).padStart(4)}%\n`);
  process.stdout.write('\n');
}

function category(node: Node): string {
  const { functionName, url } = node.callFrame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'program (native, unattributed)';
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1]!;
  if (url.startsWith('node:') || url === '') return 'node internals';
  if (url.includes('/src/')) return `project ${/\/src\/([^/]+)/.exec(url)![1]}`;
  return url;
}

const categories = new Map<string, number>();
const functions = new Map<string, number>();
let total = 0;
for (const [id, us] of self) {
  const node = byId.get(id)!;
  total += us;
  const cat = category(node);
  categories.set(cat, (categories.get(cat) ?? 0) + us);
  const fn = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/')}:${node.callFrame.lineNumber + 1}`;
  functions.set(fn, (functions.get(fn) ?? 0) + us);
}
const busy = total - (categories.get('idle') ?? 0);
const line = (name: string, us: number) => `${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${name}`;
const top = Number(values.top);
process.stdout.write(`${positionals[0]}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (percentages of busy)\n\nby category\n`);
for (const [name, us] of [...categories].filter(([n]) => n !== 'idle').sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${line(name, us)}\n`);
process.stdout.write('\nby function (self time)\n');
for (const [name, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) if (!name.startsWith('(idle)')) process.stdout.write(`${line(name, us)}\n`);
