/**
 * `ste eval list`, `ste eval show ID` and `ste eval diff A B`: evaluations already run (ste eval
 * runs one), read through Query.evaluations, Query.evaluation and Query.evaluationDiff.
 */
import type { Command } from 'commander';
import { EvaluationDiffDocument, EvaluationListDocument, EvaluationShowDocument } from '../../../generated/cli-operations.js';
import type { EvaluationListQuery } from '../../../generated/cli-operations.js';
import type { CommandContext } from '../context.js';
import { table } from '../context.js';
import { CliError, notFoundMessage } from '../errors.js';
import { accuracyText, evaluationLines } from '../evaluation-view.js';
import { wholeNumber } from '../options.js';
import { minute, readPages } from '../paging.js';
import { count } from '../progress.js';
import { resolveBenchmark } from './evaluate.js';
import type { Runner } from './runner.js';

type ListFlags = { benchmark?: string; experiment?: string; iteration?: string; model?: string; limit: number };
type Listed = EvaluationListQuery['evaluations']['edges'][number]['node'];

const pct = (v: number | null | undefined) => (v == null ? '-' : `${(100 * v).toFixed(1)}%`);
const points = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(100 * v).toFixed(1)}`;

export function registerEvalInspect(evalCommand: Command, run: Runner): void {
  evalCommand
    .command('list')
    .description('evaluations run so far, newest first, optionally of one benchmark, experiment, iteration or model')
    .option('--benchmark <name>', 'only on this benchmark (name or id)')
    .option('--experiment <id>', "only of this experiment's judges (its seed and the judges it trained)")
    .option('--iteration <id>', 'only of the judge this iteration trained')
    .option('--model <name>', 'only of this judge model')
    .option('--limit <n>', 'at most this many (default 50)', wholeNumber(1, 10_000), 50)
    .action(run(async (ctx: CommandContext, flags: ListFlags) => {
      const filter = {
        benchmarkId: flags.benchmark ? await resolveBenchmark(ctx, flags.benchmark) : null,
        experimentId: flags.experiment ?? null,
        iterationId: flags.iteration ?? null,
        judgeModel: flags.model ?? null,
      };
      const { nodes, totalCount } = await readPages(ctx, EvaluationListDocument, { filter }, (data) => data.evaluations, flags.limit);
      const of = (e: Listed) => (e.iterationId ? `iteration ${e.iterationId}` : e.experimentId ? `experiment ${e.experimentId} seed` : '-');
      const rows = nodes.map((e) => [e.id, e.benchmark.name, e.judgeModel, of(e), e.status, count(e.overall.items), accuracyText(e.overall.accuracy), minute(e.createdAt)]);
      const human = rows.length === 0
        ? 'no evaluations match: ste eval BENCHMARK --model NAME runs one'
        : [...table([['ID', 'BENCHMARK', 'JUDGE', 'OF', 'STATUS', 'ITEMS', 'ACCURACY (95% CI)', 'CREATED (UTC)'], ...rows]), ...(totalCount !== null && totalCount > rows.length ? [`${count(rows.length)} of ${count(totalCount)} shown (--limit)`] : [])];
      ctx.result(human, nodes);
    }));

  evalCommand
    .command('show')
    .description('one evaluation: accuracy overall and per subset with 95% intervals, by order')
    .argument('<evaluation>', 'evaluation id')
    .action(run(async (ctx: CommandContext, evaluationId: string) => {
      const data = await ctx.api.request(EvaluationShowDocument, { id: evaluationId });
      if (!data.evaluation) throw new CliError(notFoundMessage('evaluation', evaluationId));
      ctx.result(evaluationLines(data.evaluation), data.evaluation);
    }));

  evalCommand
    .command('diff')
    .description('how evaluation B differs from A on the same benchmark: items fixed and broken, and the accuracy change with its 95% interval')
    .argument('<a>', 'the earlier evaluation id')
    .argument('<b>', 'the later evaluation id')
    .action(run(async (ctx: CommandContext, a: string, b: string) => {
      const { evaluationDiff: d } = await ctx.api.request(EvaluationDiffDocument, { a, b });
      const change = d.accuracyChange ? `change ${points(d.accuracyChange.value)} points [${points(d.accuracyChange.low)}, ${points(d.accuracyChange.high)}]` : 'no item in both';
      ctx.result(
        [
          `evaluation ${d.a.id} (${d.a.judgeModel}) → evaluation ${d.b.id} (${d.b.judgeModel}) on ${d.a.benchmark.name}`,
          `accuracy ${pct(d.accuracyA)} → ${pct(d.accuracyB)}: ${change}`,
          `fixed ${count(d.fixed)} · broken ${count(d.broken)} · still wrong ${count(d.stillWrong)} · still right ${count(d.stillRight)} · only in ${d.a.id}: ${count(d.onlyInA)} · only in ${d.b.id}: ${count(d.onlyInB)}`,
        ],
        d,
      );
    }));
}
