/**
 * `ste import pool FILE --experiment ID --format wildchat-parquet`: a large instruction pool
 * (WildChat-style conversation rows, or plain rows; JSONL or Parquet) sent in one streamed upload
 * to POST /imports/experiments/{id}/instructions. The server reads it all or nothing and reports
 * progress, shown here on stderr; rejected rows are listed with their row numbers (exit 1, nothing
 * stored).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { Option } from 'commander';
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { CliError } from '../errors.js';
import { wholeNumber } from '../options.js';
import { count } from '../progress.js';
import type { Runner } from './runner.js';

type Flags = { experiment: string; format: string; turns: string; languages?: string; minTurns?: number; maxTurns?: number; source?: string };

type PoolResult = {
  accepted: number;
  rows: number;
  skipped: Record<string, number>;
  duplicates: unknown[];
  rejected: { line: number; reason: string }[];
  excluded: number;
  instructionCount: number;
};

const MAX_SHOWN_REJECTIONS = 20;

export function registerImportPool(importCommand: Command, run: Runner): void {
  importCommand
    .command('pool')
    .description('import a large instruction pool (WildChat conversation rows or plain rows, JSONL or Parquet) in one streamed upload')
    .argument('<file>', 'the file to import')
    .requiredOption('--experiment <id>', 'the experiment to add them to')
    .addOption(new Option('--format <format>', 'file format').choices(['wildchat-parquet', 'wildchat-jsonl', 'parquet', 'jsonl']).makeOptionMandatory())
    .addOption(new Option('--turns <turns>', 'user turns of a conversation to take').choices(['first', 'all']).default('first'))
    .option('--languages <list>', 'keep only conversations in these languages (comma-separated)')
    .option('--min-turns <n>', 'keep only conversations with at least n user turns', wholeNumber(1, 1_000_000))
    .option('--max-turns <n>', 'keep only conversations with at most n user turns', wholeNumber(1, 1_000_000))
    .option('--source <name>', 'where the instructions come from (default: the file name)')
    .action(run(async (ctx: CommandContext, file: string, flags: Flags) => {
      const query = new URLSearchParams({ format: flags.format.toUpperCase().replace('-', '_'), turns: flags.turns.toUpperCase(), source: flags.source ?? file });
      if (flags.languages) query.set('languages', flags.languages);
      if (flags.minTurns) query.set('minTurns', String(flags.minTurns));
      if (flags.maxTurns) query.set('maxTurns', String(flags.maxTurns));
      await stat(file).catch((error: NodeJS.ErrnoException) => {
        throw new CliError(`cannot read ${file}: ${error.code ?? error.message}`);
      });
      const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
      const board = ctx.board();
      const response = await ctx.api.postFile(`imports/experiments/${encodeURIComponent(flags.experiment)}/instructions?${query}`, body, ctx.signal);
      let result: PoolResult | null = null;
      let failure: string | null = null;
      for await (const line of createInterface({ input: Readable.fromWeb(response.body! as never) })) {
        if (!line.trim()) continue;
        const message = JSON.parse(line) as { progress?: { rows: number }; result?: PoolResult; error?: { message: string } };
        if (message.progress) board.log(`${file}: ${count(message.progress.rows)} rows read`);
        if (message.result) result = message.result;
        if (message.error) failure = message.error.message;
      }
      board.close();
      if (failure || !result) throw new CliError(`the import of ${file} failed: ${failure ?? 'the server ended the answer without a result'}`);
      if (result.rejected.length > 0) {
        const shown = result.rejected.slice(0, MAX_SHOWN_REJECTIONS).map((r) => `  row ${r.line}: ${r.reason}`);
        throw new CliError(`${file}: ${result.rejected.length} row${result.rejected.length === 1 ? '' : 's'} rejected, nothing stored`, 1, { details: shown });
      }
      const skipped = Object.entries(result.skipped).map(([why, n]) => `${count(n)} ${why}`).join(', ') || 'none';
      ctx.result(
        `imported ${count(result.accepted)} instructions from ${count(result.rows)} rows of ${file} into experiment ${flags.experiment}: ` +
          `${count(result.duplicates.length)} duplicates dropped, skipped ${skipped}, ${count(result.excluded)} kept out of training (in a benchmark); ` +
          `the experiment has ${count(result.instructionCount)} instructions`,
        { experimentId: flags.experiment, file, ...result },
      );
    }));
}
