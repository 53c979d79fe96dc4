/**
 * `ste export ITERATION --format FORMAT > file.jsonl`: streams an iteration's export from
 * GET /exports/iterations/{id}/{format}.jsonl to stdout as it arrives (never held in memory);
 * with `--parquet`, the same rows as a Parquet file from {format}.parquet (refused onto a terminal).
 */
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { Option } from 'commander';
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { CliError } from '../errors.js';
import { count } from '../progress.js';
import type { Runner } from './runner.js';

export const EXPORT_FORMATS = ['openai-sft', 'openai-dpo', 'trl-sft', 'trl-dpo', 'judgments', 'dpo-config'];

export function registerExport(program: Command, run: Runner): void {
  program
    .command('export')
    .description("write an iteration's training data (or every judgment) as JSONL (or Parquet) to stdout")
    .argument('<iteration>', 'iteration id')
    .addOption(new Option('--format <format>', 'what to export').choices(EXPORT_FORMATS).makeOptionMandatory())
    .option('--parquet', 'the same rows as a Parquet file (redirect stdout to a file)')
    .action(run(async (ctx: CommandContext, iterationId: string, flags: { format: string; parquet?: boolean }) => {
      if (flags.parquet && process.stdout.isTTY) throw new CliError('--parquet writes a binary file: redirect stdout, e.g. > export.parquet', 2);
      const response = await ctx.api.get(`exports/iterations/${encodeURIComponent(iterationId)}/${flags.format}.${flags.parquet ? 'parquet' : 'jsonl'}`);
      if (!response.body) throw new CliError('the export came back empty (no body)');
      let lines = 0;
      let bytes = 0;
      const source = Readable.fromWeb(response.body as ReadableStream<Uint8Array>);
      source.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (flags.parquet) return;
        for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) lines += 1;
      });
      try {
        await pipeline(source, process.stdout, { end: false });
      } catch (error) {
        // The reader went away (`| head`): not a failure of the export.
        if ((error as NodeJS.ErrnoException).code === 'EPIPE') return;
        throw new CliError(`the export of iteration ${iterationId} broke off: ${(error as Error).message}`, 1, { cause: error });
      }
      process.stderr.write(flags.parquet
        ? `exported ${flags.format} of iteration ${iterationId} as Parquet (${count(bytes)} bytes)\n`
        : `exported ${count(lines)} ${flags.format} lines of iteration ${iterationId}\n`);
    }));
}
