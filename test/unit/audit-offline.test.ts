import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit, compareVersions, parseAdvisories, report, satisfies } from '../../scripts/audit-offline.js';

const lockfile = (packages: Record<string, { version: string; dev?: boolean }>) =>
  JSON.stringify({ name: 'fake', lockfileVersion: 3, packages: { '': { name: 'fake' }, ...packages } });
const ADVISORIES = parseAdvisories(readFileSync('security/advisories.json', 'utf8'));

describe('offline advisory check (scripts/audit-offline.ts)', () => {
  it('compares versions and ranges as npm does for plain comparators', () => {
    expect(compareVersions('7.9.0', '7.24.0')).toBe(-1);
    expect(compareVersions('7.24.0-rc.1', '7.24.0')).toBe(-1);
    expect(compareVersions('7.24.0', '7.24.0')).toBe(0);
    expect(satisfies('7.16.0', '<6.24.0 || >=7.0.0 <7.24.0')).toBe(true);
    expect(satisfies('7.24.0', '<6.24.0 || >=7.0.0 <7.24.0')).toBe(false);
    expect(satisfies('6.23.9', '<6.24.0 || >=7.0.0 <7.24.0')).toBe(true);
    expect(satisfies('0.24.2', '<=0.24.2')).toBe(true);
    expect(() => satisfies('1.0.0', '~1.0.0')).toThrow('bad comparator "~1.0.0" in range "~1.0.0"');
  });

  it('fails on a vulnerable undici and passes on a fixed one', () => {
    const vulnerable = report(audit(lockfile({ 'node_modules/undici': { version: '7.16.0' } }), ADVISORIES), ADVISORIES.length);
    expect(vulnerable.failed).toBe(true);
    expect(vulnerable.lines[0]).toBe(
      'HIGH CVE-2026-2229 node_modules/undici@7.16.0: WebSocket client crashes the process on an out-of-range permessage-deflate server_max_window_bits (uncaught RangeError) (affected <6.24.0 || >=7.0.0 <7.24.0; https://nvd.nist.gov/vuln/detail/CVE-2026-2229 (undici March 2026 security release, 7.24.0 / 6.24.0))',
    );
    expect(vulnerable.lines.at(-1)).toBe('audit:offline: 1 locked package version(s) inside a high or critical advisory: upgrade them (npm view <package> versions) and run again');
    const fixed = report(audit(lockfile({ 'node_modules/undici': { version: '7.30.3' } }), ADVISORIES), ADVISORIES.length);
    expect(fixed).toEqual({ failed: false, lines: [`audit:offline: no locked package inside a high or critical advisory (${ADVISORIES.length} advisories checked)`] });
  });

  it('finds nested copies, marks dev packages, and reports moderate ones as notes without failing', () => {
    const findings = audit(
      lockfile({ 'node_modules/a/node_modules/ws': { version: '8.17.0' }, 'node_modules/esbuild': { version: '0.18.20', dev: true } }),
      ADVISORIES,
    );
    expect(findings.map((f) => [f.advisory.id, f.path, f.dev])).toEqual([
      ['GHSA-3h5v-q93c-6h6q', 'node_modules/a/node_modules/ws', false],
      ['GHSA-67mh-4wv8-2f99', 'node_modules/esbuild', true],
    ]);
    const moderateOnly = report(findings.slice(1), 1);
    expect(moderateOnly.failed).toBe(false);
    expect(moderateOnly.lines[0]).toMatch(/^note: MODERATE GHSA-67mh-4wv8-2f99 node_modules\/esbuild@0\.18\.20 \(dev\): /);
  });

  it('refuses a malformed advisory file with the entry at fault', () => {
    expect(() => parseAdvisories('{}')).toThrow('the advisory file has no "advisories" list');
    expect(() => parseAdvisories(JSON.stringify({ advisories: [{ id: 'X', package: 'p', severity: 'urgent', title: 't', affected: '<1.0.0', source: 's' }] }))).toThrow(
      'advisories[0] (X): severity must be one of low, moderate, high, critical',
    );
  });

  it('the command exits 1 on a vulnerable lockfile, 0 on a fixed one, and passes on this repository', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ste-audit-'));
    const run = (lock: string) => {
      const file = path.join(dir, 'package-lock.json');
      writeFileSync(file, lock);
      return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/audit-offline.ts', '--lockfile', file], { encoding: 'utf8' });
    };
    const bad = run(lockfile({ 'node_modules/path-to-regexp': { version: '8.2.0' } }));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('HIGH CVE-2026-4926 node_modules/path-to-regexp@8.2.0');
    expect(run(lockfile({ 'node_modules/path-to-regexp': { version: '8.4.2' } })).status).toBe(0);
    expect(spawnSync(process.execPath, ['--import', 'tsx', 'scripts/audit-offline.ts'], { encoding: 'utf8' }).status).toBe(0);
  });
});
