/**
 * `npm run bench:table -- FILE.json [FILE.json ...]`: the README's performance table, made from
 * committed benchmark results (bench/results/*.json, as `npm run bench` writes them), so that each
 * figure names the run it comes from. Rows of later files follow those of earlier ones; each row
 * links its file. Prints Markdown on stdout; a file that is not a benchmark result is an error
 * naming it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

type Row = { figure: string; target: string; measured: string; ok: boolean | null };
type Result = { started: string; machine: string; runs: number; quick: boolean; rows: Row[] };

function load(file: string): Result {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: cannot be read as JSON (${(error as Error).message})`, { cause: error });
  }
  const r = parsed as Partial<Result>;
  if (!Array.isArray(r.rows) || typeof r.started !== 'string' || typeof r.machine !== 'string') {
    throw new Error(`${file}: not a benchmark result (it needs "started", "machine" and "rows", as npm run bench writes them)`);
  }
  return r as Result;
}

export function table(files: readonly string[]): string {
  if (files.length === 0) throw new Error('name at least one results file, e.g. npm run bench:table -- bench/results/2026-12-06-efficiency.json');
  const lines = ['| figure | target | measured | | run |', '|---|---|---|---|---|'];
  const sources: string[] = [];
  for (const file of files) {
    const result = load(file);
    const name = path.basename(file);
    sources.push(`- [\`${name}\`](${path.relative('.', file)}): ${result.started.slice(0, 10)}, ${result.machine}, median of ${result.runs} run(s)${result.quick ? ' (quick sizes)' : ''}`);
    for (const row of result.rows) {
      const verdict = row.ok === null ? '' : row.ok ? 'met' : 'missed';
      lines.push(`| ${row.figure} | ${row.target} | ${row.measured} | ${verdict} | [${name.replace(/\.json$/, '')}](${path.relative('.', file)}) |`);
    }
  }
  return `${lines.join('\n')}\n\n${sources.join('\n')}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  try {
    process.stdout.write(table(process.argv.slice(2)));
  } catch (error) {
    process.stderr.write(`bench:table: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
