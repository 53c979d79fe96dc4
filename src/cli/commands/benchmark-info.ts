/**
 * `ste benchmark list` and `ste benchmark show NAME|ID`: the benchmarks imported, their subsets
 * and the evaluations run on them. (Importing is `ste import benchmark`.)
 */
import type { Command } from 'commander';
import { BenchmarkListDocument, BenchmarkShowDocument } from '../../../generated/cli-operations.js';
import type { BenchmarkShowQuery } from '../../../generated/cli-operations.js';
import type { CommandContext } from '../context.js';
import { table } from '../context.js';
import { CliError, notFoundMessage } from '../errors.js';
import { accuracyText } from '../evaluation-view.js';
import { minute } from '../paging.js';
import { count } from '../progress.js';
import { resolveBenchmark } from './evaluate.js';
import type { Runner } from './runner.js';

type RunOn = NonNullable<BenchmarkShowQuery['benchmark']>['evaluations'][number];

export function registerBenchmark(program: Command, run: Runner): void {
  const benchmark = program.command('benchmark').description('list and show benchmarks (ste import benchmark adds one)');

  benchmark
    .command('list')
    .description('every benchmark imported, by name, with its subsets')
    .action(run(async (ctx: CommandContext) => {
      const { benchmarks } = await ctx.api.request(BenchmarkListDocument, {});
      const rows = benchmarks.map((b) => [b.id, b.name, b.format, count(b.size), String(b.subsets.length), minute(b.createdAt)]);
      ctx.result(
        rows.length === 0 ? 'no benchmarks yet: ste import benchmark --bundled llmbar' : table([['ID', 'NAME', 'FORMAT', 'ITEMS', 'SUBSETS', 'IMPORTED (UTC)'], ...rows]),
        benchmarks,
      );
    }));

  benchmark
    .command('show')
    .description('one benchmark: its subsets with their sizes and the evaluations run on it')
    .argument('<benchmark>', 'benchmark name or id')
    .action(run(async (ctx: CommandContext, ref: string) => {
      const id = await resolveBenchmark(ctx, ref);
      const b = (await ctx.api.request(BenchmarkShowDocument, { id })).benchmark;
      if (!b) throw new CliError(notFoundMessage('benchmark', ref));
      const lines = [
        `benchmark ${b.id} "${b.name}" (${b.format}) · ${count(b.size)} items · imported ${minute(b.createdAt)} UTC`,
        ...table([['SUBSET', 'ITEMS'], ...b.subsets.map((s) => [s.name, count(s.size)])]),
      ];
      if (b.evaluations.length === 0) {
        lines.push(`no evaluations yet: ste eval ${b.name} --model NAME`);
      } else {
        lines.push('evaluations (newest first):');
        const judge = (e: RunOn) =>
          e.iterationId ? `iteration ${e.iterationId}` : e.experimentId ? `experiment ${e.experimentId} seed` : 'model';
        lines.push(...table([['ID', 'JUDGE', 'OF', 'STATUS', 'ACCURACY (95% CI)'], ...b.evaluations.map((e) => [e.id, e.judgeModel, judge(e), e.status, accuracyText(e.overall.accuracy)])]));
      }
      ctx.result(lines, b);
    }));
}
