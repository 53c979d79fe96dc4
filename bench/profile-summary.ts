/**
 * `tsx bench/profile-summary.ts FILE.cpuprofile [--top N]`: where a V8 CPU profile's time went,
 * as self time per category (GC, this project, node internals, each dependency) and per function.
 * Profiles come from BENCH_CPU_PROF_DIR (see bench/lib.ts) or `node --cpu-prof`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
if (positionals.length !== 1) {
  process.stderr.write('usage: tsx bench/profile-summary.ts FILE.cpuprofile [--top N]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

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
