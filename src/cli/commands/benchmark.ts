/**
 * `ste import benchmark FILE --format F --name N [--skip-bad-rows]` (one importBenchmark call: the
 * server stores a benchmark all-or-nothing unless bad rows may be skipped; a Parquet file is sent
 * in base64) and `ste import benchmark --bundled llmbar|llmeval2`.
 */
import { readFile, stat } from 'node:fs/promises';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { ImportBenchmarkDocument, ImportBundledBenchmarkDocument } from '../../../generated/cli-operations.js';
import type { BenchmarkImportedFragment } from '../../../generated/cli-operations.js';
import type { BenchmarkFormat, BenchmarkMappingInput } from '../../../generated/graphql-types.js';
import { GraphqlRequestError } from '../client.js';
import type { CommandContext } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { count } from '../progress.js';
import type { Runner } from './runner.js';

/** The server's limit on one import (its MAX_IMPORT_BYTES). */
const MAX_BYTES = 16 * 1024 * 1024;
const MAX_SHOWN = 20;

type Flags = { name?: string; format?: string; subset?: string; mapping?: Record<string, string>; bundled?: string; skipBadRows?: boolean };

export function registerImportBenchmark(importCommand: Command, run: Runner): void {
  importCommand
    .command('benchmark')
    .description('import a labeled pairwise benchmark (held out: never trained on) from a file, or a bundled one')
    .argument('[file]', 'the benchmark file (omit with --bundled)')
    .option('--name <name>', 'a unique name for it')
    .addOption(new Option('--format <format>', 'file format').choices(['rewardbench', 'llmbar', 'pairwise', 'helpsteer2', 'mtbench_human']))
    .option('--subset <name>', 'subset of every row (llmbar, required) or of rows without one')
    .option('--mapping <fields>', 'pairwise field names, e.g. prompt=question,chosen=good,rejected=bad[,subset=...,id=...]', mapping)
    .option('--skip-bad-rows', 'store the good rows and list the bad ones (default: a file with a bad row stores nothing)')
    .addOption(new Option('--bundled <name>', 'import a benchmark shipped with the service instead of a file').choices(['llmbar', 'llmeval2']))
    .action(run(async (ctx: CommandContext, file: string | undefined, flags: Flags) => {
      const result = flags.bundled ? await importBundled(ctx, file, flags.bundled) : await importFile(ctx, file, flags);
      const b = result.benchmark;
      const subsets = b.subsets.map((s) => `${s.name} ${count(s.size)}`).join(', ');
      const lines = [
        `${result.created ? 'imported' : 'already imported:'} benchmark ${b.id} "${b.name}": ${count(b.size)} items in ${b.subsets.length} subset${b.subsets.length === 1 ? '' : 's'} (${subsets})`,
      ];
      if (result.skipped.length > 0) lines.push(flags.bundled ? `${result.skipped.length} known bad row(s) skipped` : `${result.skipped.length} row(s) left out:`);
      if (!flags.bundled) for (const r of result.skipped.slice(0, MAX_SHOWN)) lines.push(`  ${r.position}: ${r.reason}`);
      const excluded = result.excludedInstructions;
      if (excluded > 0) lines.push(`${count(excluded)} instruction${excluded === 1 ? '' : 's'} now kept out of training (the benchmark contains ${excluded === 1 ? 'it' : 'them'})`);
      ctx.result(lines, result);
    }));
}

function mapping(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw.split(',')) {
    const [key, value] = part.split('=').map((s) => s.trim());
    if (!key || !value || !['prompt', 'chosen', 'rejected', 'subset', 'id'].includes(key)) {
      throw new InvalidArgumentError('must be key=field pairs for prompt, chosen, rejected (and optionally subset, id), separated by commas');
    }
    out[key] = value;
  }
  return out;
}

async function importBundled(ctx: CommandContext, file: string | undefined, name: string): Promise<BenchmarkImportedFragment> {
  if (file) throw new UsageError('give either a file or --bundled, not both');
  const data = await ctx.api.request(ImportBundledBenchmarkDocument, { name });
  return data.importBundledBenchmark;
}

async function importFile(ctx: CommandContext, file: string | undefined, flags: Flags): Promise<BenchmarkImportedFragment> {
  if (!file) throw new UsageError('name the benchmark file, or use --bundled llmbar|llmeval2');
  if (!flags.name || !flags.format) throw new UsageError('a benchmark file needs --name and --format (rewardbench, llmbar, pairwise, helpsteer2 or mtbench_human)');
  if (flags.format === 'pairwise' && !flags.mapping) throw new UsageError('--format pairwise needs --mapping prompt=...,chosen=...,rejected=...');
  let bytes: Buffer;
  try {
    if ((await stat(file)).size > MAX_BYTES) throw new CliError(`${file} is larger than 16 MB: split the benchmark into several (one per subset, for example)`);
    bytes = await readFile(file);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  // Parquet is binary: it travels as base64; text files as they are.
  const parquet = bytes.length >= 8 && bytes.subarray(0, 4).toString('latin1') === 'PAR1';
  const content = parquet ? bytes.toString('base64') : bytes.toString('utf8');
  try {
    const data = await ctx.api.request(ImportBenchmarkDocument, {
      name: flags.name,
      content,
      // commander checked the choices: the flag in upper case is a BenchmarkFormat.
      format: flags.format.toUpperCase() as BenchmarkFormat,
      subset: flags.subset ?? null,
      // A mapping without prompt, chosen or rejected is refused by the server, in its words.
      mapping: (flags.mapping ?? null) as BenchmarkMappingInput | null,
      encoding: parquet ? 'BASE64' : 'TEXT',
      skip: flags.skipBadRows ?? false,
    });
    return data.importBenchmark;
  } catch (error) {
    const extensions = error instanceof GraphqlRequestError ? error.errors[0]?.extensions : undefined;
    const rejected = extensions?.rejected;
    if (!Array.isArray(rejected)) throw error;
    // Positions are lines of a JSONL file, items of a JSON array, rows of a Parquet file.
    const unit = typeof extensions?.unit === 'string' ? extensions.unit : 'line';
    const rows = rejected as { position: number; reason: string }[];
    const details = rows.slice(0, MAX_SHOWN).map((r) => `  ${r.position === 0 ? 'file' : `${unit} ${r.position}`}: ${r.reason}`);
    if (rows.length > MAX_SHOWN) details.push(`  ... and ${rows.length - MAX_SHOWN} more`);
    const which = rows.length === 1 ? `${unit} ${rows[0]!.position}` : `${rows.length} ${unit}s`;
    throw new CliError(`${file}: ${which} rejected; nothing was stored`, 1, { details });
  }
}
