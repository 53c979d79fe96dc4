/**
 * `ste import instructions FILE --experiment ID`: streams a JSONL file in batches of lines, one
 * importInstructions call per batch, with a progress bar on stderr. The server stores a batch
 * all-or-nothing, so a rejected line stops the import at its batch; line numbers in every
 * message are the file's. Running the same command again after a fix skips what is stored
 * (reported as duplicates). A JSON array file cannot be cut into lines: it goes in one call.
 */
import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { ExperimentNameDocument, ImportBundledInstructionsDocument, ImportInstructionsDocument } from '../../../generated/cli-operations.js';
import type { InstructionImportFragment } from '../../../generated/cli-operations.js';
import type { InstructionFormat } from '../../../generated/graphql-types.js';
import type { CommandContext } from '../context.js';
import { CliError, notFoundMessage, UsageError } from '../errors.js';
import { InvalidUtf8Error, readLines } from '../lines.js';
import type { Line } from '../lines.js';
import { wholeNumber } from '../options.js';
import { bar, count, percent } from '../progress.js';
import type { Runner } from './runner.js';

/** Largest batch sent in one call; the server accepts 16 MB, and JSON escaping may grow the text. */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;
const MAX_SHOWN_REJECTIONS = 20;

type Flags = { experiment: string; batchLines: number; format: string; source?: string; bundled?: string };

/** The instruction sets shipped with the service (importBundledInstructions). */
export const BUNDLED_INSTRUCTIONS = ['mt-bench', 'vicuna-bench'];

export function registerImportInstructions(importCommand: Command, run: Runner): void {
  importCommand
    .command('instructions')
    .description('import unlabeled instructions (MT-Bench JSONL, JSONL with instruction/prompt/text, or a JSON array)')
    .argument('[file]', 'the file to import (omit with --bundled)')
    .requiredOption('--experiment <id>', 'the experiment to add them to')
    .option('--batch-lines <n>', 'lines per importInstructions call', wholeNumber(1, 1_000_000), 1000)
    .addOption(new Option('--format <format>', 'file format').choices(['auto', 'mtbench', 'jsonl', 'json']).default('auto'))
    .option('--source <name>', 'where the instructions come from (default: the file name)')
    .addOption(new Option('--bundled <name>', 'import an instruction set shipped with the service instead of a file').choices(BUNDLED_INSTRUCTIONS))
    .action(run(async (ctx: CommandContext, file: string | undefined, flags: Flags) => {
      if (flags.bundled && file) throw new UsageError('give either a file or --bundled, not both');
      if (!flags.bundled && !file) throw new UsageError(`name the instructions file, or use --bundled ${BUNDLED_INSTRUCTIONS.join('|')}`);
      const size = file ? await fileSize(file) : 0;
      const experiment = await ctx.api.request(ExperimentNameDocument, { id: flags.experiment });
      if (!experiment.experiment) throw new CliError(notFoundMessage('experiment', flags.experiment));
      if (flags.bundled) return importBundled(ctx, flags.experiment, flags.bundled);
      if (!file) return;
      const importer = new Importer(ctx, file, flags, size);
      const summary = (await startsWithBracket(file, flags.format)) ? await importer.whole() : await importer.batches();
      const dupes = summary.duplicates.length;
      ctx.result(
        `imported ${count(summary.accepted)} instructions from ${file} into experiment ${flags.experiment} in ${summary.batches} batch${summary.batches === 1 ? '' : 'es'}` +
          `: ${count(dupes)} duplicate line${dupes === 1 ? '' : 's'} skipped, ${count(summary.excluded)} kept out of training (in a benchmark);` +
          ` the experiment has ${count(summary.instructionCount)} instructions`,
        { experimentId: flags.experiment, file, ...summary },
      );
    }));
}

async function importBundled(ctx: CommandContext, experimentId: string, name: string): Promise<void> {
  const data = await ctx.api.request(ImportBundledInstructionsDocument, { id: experimentId, name });
  const r = data.importBundledInstructions;
  const dupes = r.duplicates.length;
  ctx.result(
    `imported ${count(r.accepted)} instructions of the bundled set ${name} into experiment ${experimentId}` +
      `: ${count(dupes)} duplicate${dupes === 1 ? '' : 's'} skipped, ${count(r.excluded)} kept out of training (in a benchmark);` +
      ` the experiment has ${count(r.instructionCount)} instructions`,
    { experimentId, bundled: name, ...r },
  );
}

class Importer {
  private accepted = 0;
  private excluded = 0;
  private instructionCount = 0;
  private calls = 0;
  private readonly duplicates: InstructionImportFragment['duplicates'] = [];
  private readonly board;

  constructor(
    private readonly ctx: CommandContext,
    private readonly file: string,
    private readonly flags: Flags,
    private readonly size: number,
  ) {
    this.board = ctx.board();
  }

  /** JSONL: batches of lines, each call's line numbers shifted to the file's. */
  async batches() {
    let batch: Line[] = [];
    let bytes = 0;
    let read = 0;
    try {
      for await (const line of readLines(this.file)) {
        batch.push(line);
        bytes += line.bytes;
        read += line.bytes;
        if (batch.length >= this.flags.batchLines || bytes >= MAX_BATCH_BYTES) {
          await this.send(batch, read);
          batch = [];
          bytes = 0;
        }
      }
      if (batch.length > 0) await this.send(batch, read);
    } catch (error) {
      if (error instanceof InvalidUtf8Error) throw this.stopped(`${this.file}: ${error.message}`, []);
      throw error;
    } finally {
      this.board.close();
    }
    return this.summary();
  }

  /** A JSON array: one call (item numbers are the server's). */
  async whole() {
    if (this.size > MAX_BATCH_BYTES) {
      throw new CliError(`${this.file} is a JSON array larger than ${MAX_BATCH_BYTES / 1024 / 1024} MB, which cannot be sent in parts: convert it to JSONL, for example with jq -c '.[]'`);
    }
    const content = await readFile(this.file, 'utf8');
    const result = await this.call(content);
    if (result.rejected.length > 0) {
      const what = result.rejected.length === 1 ? '1 item' : `${result.rejected.length} items`;
      throw this.stopped(`${this.file}: ${what} rejected; nothing was stored`, result.rejected.map((r) => `  ${r.line === 0 ? 'file' : `item ${r.line}`}: ${r.reason}`));
    }
    this.record(result, 0);
    return this.summary();
  }

  private async send(batch: Line[], read: number): Promise<void> {
    if (this.ctx.signal.aborted) {
      throw new CliError(`interrupted: ${count(this.accepted)} instructions stored; run the same command again to continue (stored lines are skipped)`, 130);
    }
    const first = batch[0]!.number;
    const last = batch[batch.length - 1]!.number;
    if (batch.every((line) => line.text.trim() === '')) return;
    const result = await this.call(batch.map((line) => line.text).join('\n'));
    const offset = first - 1;
    if (result.rejected.length > 0) {
      const lines = result.rejected.map((r) => r.line + offset);
      const which = lines.length === 1 ? `line ${lines[0]}` : `lines ${lines.slice(0, 10).join(', ')}${lines.length > 10 ? ', ...' : ''}`;
      throw this.stopped(
        `${this.file}: ${which} rejected; the batch of lines ${first}-${last} was not stored`,
        result.rejected.map((r) => `  line ${r.line + offset}: ${r.reason}`),
      );
    }
    this.record(result, offset);
    this.board.update([
      `importing ${path.basename(this.file)} ${bar(read, this.size)} ${percent(read, this.size)} · ${count(last)} lines · ${count(this.accepted)} stored`,
    ]);
  }

  private async call(content: string): Promise<InstructionImportFragment> {
    this.calls += 1;
    const data = await this.ctx.api.request(ImportInstructionsDocument, {
      id: this.flags.experiment,
      content,
      // commander checked --format's choices: in upper case they are InstructionFormat values.
      format: this.flags.format.toUpperCase() as InstructionFormat,
      source: this.flags.source ?? path.basename(this.file),
    });
    return data.importInstructions;
  }

  private record(result: InstructionImportFragment, offset: number): void {
    this.accepted += result.accepted;
    this.excluded += result.excluded;
    this.instructionCount = result.instructionCount;
    for (const d of result.duplicates) {
      this.duplicates.push({ line: d.line + offset, duplicateOfLine: d.duplicateOfLine === null ? null : d.duplicateOfLine + offset });
    }
  }

  private stopped(message: string, details: string[]): CliError {
    const shown = details.slice(0, MAX_SHOWN_REJECTIONS);
    if (details.length > shown.length) shown.push(`  ... and ${details.length - shown.length} more`);
    const before = this.accepted > 0 ? `${count(this.accepted)} instructions from earlier lines were stored` : 'nothing was stored before it';
    shown.push(`${before}; fix the file and run the same command again (stored lines are skipped as duplicates)`);
    return new CliError(message, 1, { details: shown });
  }

  private summary() {
    return {
      batches: this.calls,
      accepted: this.accepted,
      duplicates: this.duplicates,
      excluded: this.excluded,
      instructionCount: this.instructionCount,
    };
  }
}

async function fileSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new CliError(`${file} is not a file`);
    return info.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
  }
}

/** Whether the file is a JSON array (format json, or auto and its first non-space character is `[`). */
async function startsWithBracket(file: string, format: string): Promise<boolean> {
  if (format === 'json') return true;
  if (format !== 'auto') return false;
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const head = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    return /^\s*\[/.test(head);
  } finally {
    await handle.close();
  }
}
