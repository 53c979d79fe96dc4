/**
 * `npm run audit:offline [-- --lockfile F --advisories F]`: checks every package of a
 * package-lock.json (v2/v3 `packages`) against the pinned advisory list security/advisories.json,
 * without network access (the registry's audit endpoint is not reachable from CI). Exits 1 when a
 * locked version is inside an advisory of `high` or `critical` severity; lower ones are printed as
 * notes. Ranges are npm semver ranges made of comparators (`<`, `<=`, `>`, `>=`, `=`), joined by
 * spaces (and) and `||` (or).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export type Severity = 'low' | 'moderate' | 'high' | 'critical';
export type Advisory = { id: string; package: string; severity: Severity; title: string; affected: string; source: string };
export type Finding = { advisory: Advisory; path: string; version: string; dev: boolean };

const SEVERITIES: readonly Severity[] = ['low', 'moderate', 'high', 'critical'];
const FAILING: ReadonlySet<Severity> = new Set(['high', 'critical']);

type Version = { parts: [number, number, number]; pre: string | null };

function parseVersion(raw: string): Version {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(raw.trim());
  if (!match) throw new Error(`not a version: "${raw}"`);
  return { parts: [Number(match[1]), Number(match[2]), Number(match[3])], pre: match[4] ?? null };
}

/** -1, 0 or 1; a prerelease sorts before its release (1.0.0-rc.1 < 1.0.0). */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  for (let i = 0; i < 3; i++) if (x.parts[i] !== y.parts[i]) return x.parts[i]! < y.parts[i]! ? -1 : 1;
  if (x.pre === y.pre) return 0;
  if (x.pre === null) return 1;
  if (y.pre === null) return -1;
  return x.pre < y.pre ? -1 : 1;
}

/** Whether `version` is inside `range` (`<6.24.0 || >=7.0.0 <7.24.0`). */
export function satisfies(version: string, range: string): boolean {
  return range.split('||').some((alternative) => {
    const comparators = alternative.trim().split(/\s+/).filter(Boolean);
    if (comparators.length === 0) throw new Error(`empty alternative in range "${range}"`);
    return comparators.every((comparator) => {
      const match = /^(<=|>=|<|>|=)?(v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?)$/.exec(comparator);
      if (!match) throw new Error(`bad comparator "${comparator}" in range "${range}"`);
      const order = compareVersions(version, match[2]!);
      switch (match[1] ?? '=') {
        case '<': return order < 0;
        case '<=': return order <= 0;
        case '>': return order > 0;
        case '>=': return order >= 0;
        default: return order === 0;
      }
    });
  });
}

export function parseAdvisories(text: string): Advisory[] {
  const list = (JSON.parse(text) as { advisories?: unknown }).advisories;
  if (!Array.isArray(list)) throw new Error('the advisory file has no "advisories" list');
  return list.map((raw, i) => {
    const a = raw as Partial<Advisory>;
    for (const key of ['id', 'package', 'title', 'affected', 'source'] as const) {
      if (typeof a[key] !== 'string' || a[key] === '') throw new Error(`advisories[${i}] needs a non-empty "${key}"`);
    }
    if (!SEVERITIES.includes(a.severity as Severity)) throw new Error(`advisories[${i}] (${a.id}): severity must be one of ${SEVERITIES.join(', ')}`);
    satisfies('0.0.0', a.affected!); // refuses a malformed range now rather than at a match
    return a as Advisory;
  });
}

/** Every locked package (`node_modules/.../name`) whose version one of `advisories` covers. */
export function audit(lockText: string, advisories: readonly Advisory[]): Finding[] {
  const lock = JSON.parse(lockText) as { lockfileVersion?: number; packages?: Record<string, { version?: string; dev?: boolean; name?: string; link?: boolean }> };
  if (!lock.packages) throw new Error(`package-lock.json has no "packages" (lockfileVersion ${lock.lockfileVersion ?? '?'}; npm 7 or later writes them)`);
  const findings: Finding[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.link || !entry.version) continue;
    const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    for (const advisory of advisories) {
      if (advisory.package === name && satisfies(entry.version, advisory.affected)) findings.push({ advisory, path, version: entry.version, dev: entry.dev === true });
    }
  }
  return findings;
}

/** The report's lines and whether it fails (a high or critical finding). */
export function report(findings: readonly Finding[], advisoryCount: number): { lines: string[]; failed: boolean } {
  const failing = findings.filter((f) => FAILING.has(f.advisory.severity));
  const line = (f: Finding) => `${f.advisory.severity.toUpperCase()} ${f.advisory.id} ${f.path}@${f.version}${f.dev ? ' (dev)' : ''}: ${f.advisory.title} (affected ${f.advisory.affected}; ${f.advisory.source})`;
  const lines = [
    ...failing.map(line),
    ...findings.filter((f) => !FAILING.has(f.advisory.severity)).map((f) => `note: ${line(f)}`),
    failing.length > 0
      ? `audit:offline: ${failing.length} locked package version(s) inside a high or critical advisory: upgrade them (npm view <package> versions) and run again`
      : `audit:offline: no locked package inside a high or critical advisory (${advisoryCount} advisories checked)`,
  ];
  return { lines, failed: failing.length > 0 };
}

function main(): void {
  const { values } = parseArgs({ options: { lockfile: { type: 'string', default: 'package-lock.json' }, advisories: { type: 'string', default: 'security/advisories.json' } } });
  const advisories = parseAdvisories(readFileSync(values.advisories, 'utf8'));
  const { lines, failed } = report(audit(readFileSync(values.lockfile, 'utf8'), advisories), advisories.length);
  for (const l of lines) process.stdout.write(`${l}\n`);
  process.exitCode = failed ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`audit:offline: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}
