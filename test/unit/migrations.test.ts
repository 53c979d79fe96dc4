import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('migrations', () => {
  it('match src/db/schema.ts: generating from the schema finds nothing new', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ste-drift-'));
    try {
      cpSync('migrations', path.join(dir, 'migrations'), { recursive: true });
      const config = path.join(dir, 'drizzle.config.ts');
      writeFileSync(
        config,
        `export default { dialect: 'postgresql', schema: ${JSON.stringify(path.resolve('src/db/schema.ts'))}, out: ${JSON.stringify(path.join(dir, 'migrations'))} };\n`,
      );
      const before = readdirSync(path.join(dir, 'migrations')).sort();
      const output = execFileSync('npx', ['drizzle-kit', 'generate', '--config', config], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const after = readdirSync(path.join(dir, 'migrations')).sort();
      expect(after, `drizzle-kit wrote a new migration: run npm run db:generate and commit it\n${output}`).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
