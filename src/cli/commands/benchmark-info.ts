/**
 * `ste benchmark list` and `ste benchmark show NAME|ID`: the benchmarks imported, their subsets
 * and the evaluations run on them. (Importing is `ste import benchmark`.)
 */
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { table } from '../context.js';
import { accuracyText } from '../evaluation-view.js';
import type { Accuracy, Benchmark, BenchmarkSubset, Evaluation } from '../../../generated/graphql-types.js';
import { minute } from '../paging.js';
import { count } from '../progress.js';
import { resolveBenchmark } from './evaluate.js';
import type { Runner } from './runner.js';

type BenchmarkSummary = Pick<Benchmark, 'id' | 'name' | 'format' | 'size' | 'createdAt'> & { subsets: BenchmarkSubset[] };
type BenchmarkDetail = BenchmarkSummary & {
  evaluations: (Pick<Evaluation, 'id' | 'judgeModel' | 'status' | 'experimentId' | 'iterationId'> & { overall: { accuracy?: Accuracy | null } })[];
};
const SUMMARY = 'id name format size createdAt subsets { name size }';

export function registerBenchmark(program: Command, run: Runner): void {
  const benchmark = program.command('benchmark').description('list and show benchmarks (ste import benchmark adds one)');

  benchmark
    .command('list')
    .description('every benchmark imported, by name, with its subsets')
    .action(run(async (ctx: CommandContext) => {
      const { benchmarks } = await ctx.api.request<{ benchmarks: BenchmarkSummary[] }>(`{ benchmarks { ${SUMMARY} } }`);
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
      const data = await ctx.api.request<{ benchmark: BenchmarkDetail }>(
        `query ($id: ID!) { benchmark(id: $id) { ${SUMMARY} evaluations { id judgeModel status experimentId iterationId overall { accuracy { value low high } } } } }`,
        { id },
      );
      const b = data.benchmark;
      const lines = [
        `benchmark ${b.id} "${b.name}" (${b.format}) · ${count(b.size)} items · imported ${minute(b.createdAt)} UTC`,
        ...table([['SUBSET', 'ITEMS'], ...b.subsets.map((s) => [s.name, count(s.size)])]),
      ];
      if (b.evaluations.length === 0) {
        lines.push(`no evaluations yet: ste eval ${b.name} --model NAME`);
      } else {
        lines.push('evaluations (newest first):');
        const judge = (e: BenchmarkDetail['evaluations'][number]) =>
          e.iterationId ? `iteration ${e.iterationId}` : e.experimentId ? `experiment ${e.experimentId} seed` : 'model';
        lines.push(...table([['ID', 'JUDGE', 'OF', 'STATUS', 'ACCURACY (95% CI)'], ...b.evaluations.map((e) => [e.id, e.judgeModel, judge(e), e.status, accuracyText(e.overall.accuracy)])]));
      }
      ctx.result(lines, b);
    }));
}
