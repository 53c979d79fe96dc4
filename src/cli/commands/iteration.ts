/**
 * `ste iteration list EXPERIMENT` and `ste iteration show ITERATION`: the ids `ste watch` and
 * `ste export` take, with each iteration's status, models and counts.
 */
import type { Command } from 'commander';
import { IterationListDocument, IterationShowDocument } from '../../../generated/cli-operations.js';
import type { IterationSummaryFragment, StageDetailFragment, TrainingJobSummaryFragment } from '../../../generated/cli-operations.js';
import type { CommandContext } from '../context.js';
import { table } from '../context.js';
import { CliError, notFoundMessage } from '../errors.js';
import { accuracyText } from '../evaluation-view.js';
import type { Money } from '../../../generated/graphql-types.js';
import { minute } from '../paging.js';
import { compact, count, percent } from '../progress.js';
import { iterationLine, stageLine } from '../watch-view.js';
import type { Runner } from './runner.js';

/** One row per iteration: the columns `iteration list` and `experiment show` print. */
export function iterationRows(iterations: IterationSummaryFragment[]): string[] {
  const rows = iterations.map((it) => {
    const s = it.stats;
    return [
      it.id,
      String(it.index),
      it.status,
      it.judgeModel,
      it.trainedModel ?? '-',
      count(s.judgments),
      `${count(s.correct)} (${percent(s.correct, s.judgments)})`,
      count(s.unparseable),
      `${count(s.selected)} (A ${count(s.selectedAWins)} / B ${count(s.selectedBWins)})`,
      `${compact(s.promptTokens)} / ${compact(s.completionTokens)}`,
    ];
  });
  return table([['ID', 'INDEX', 'STATUS', 'JUDGE', 'TRAINED', 'JUDGMENTS', 'CORRECT', 'UNPARSEABLE', 'SELECTED', 'TOKENS IN / OUT'], ...rows]);
}

/** "  JUDGE  SUCCEEDED  160/160  · 12.3k / 4.5k tokens · 41 s" */
export function stageDetailLine(stage: StageDetailFragment): string {
  const seconds = stage.startedAt && stage.finishedAt ? ` · ${Math.round((Date.parse(stage.finishedAt) - Date.parse(stage.startedAt)) / 1000)} s` : '';
  const tokens = stage.promptTokens + stage.completionTokens > 0 ? ` · ${compact(stage.promptTokens)} / ${compact(stage.completionTokens)} tokens` : '';
  return `${stageLine(stage, false)}${tokens}${tokens ? ` · ${costText(stage.cost, stage.unpricedModels)}` : ''}${seconds}  (stage ${stage.id})`;
}

/**
 * "  SUPERVISED (COMMAND): sim-judge on 1,234 examples · succeeded → it1-judge · LoRA adapter on
 * endpoint "judges": loaded". A LoRA adapter the service unloaded says when: its model is then not
 * served until it is loaded again.
 */
export function trainingJobLine(job: TrainingJobSummaryFragment): string {
  const host = job.externalJobId ? `${job.backend} job ${job.externalJobId}` : job.backend;
  const model = job.fineTunedModel ? ` → ${job.fineTunedModel}` : '';
  const error = job.error ? `: ${job.error}` : '';
  const adapter = job.adapter
    ? ` · LoRA adapter on endpoint "${job.adapter.endpoint}": ${job.adapter.loaded ? 'loaded' : `unloaded${job.adapter.unloadedAt ? ` ${minute(job.adapter.unloadedAt)} UTC` : ''}`}`
    : '';
  return `  ${job.method} (${host}): ${job.baseModel} on ${count(job.examples)} examples · ${job.status}${error}${model}${adapter}`;
}

/** "0.0123 USD" (exact), or "cost unknown (no price for default/judge-x)". */
export function costText(cost: Pick<Money, 'amount' | 'currency'> | null | undefined, unpriced: readonly string[]): string {
  return cost ? `${cost.amount} ${cost.currency}` : `cost unknown (no price for ${unpriced.join(', ')})`;
}

export function registerIteration(program: Command, run: Runner): void {
  const iteration = program.command('iteration').description('list and show iterations (the ids ste watch and ste export take)');

  iteration
    .command('list')
    .description("an experiment's iterations: ids, indices, status, models and counts")
    .argument('<experiment>', 'experiment id')
    .action(run(async (ctx: CommandContext, experimentId: string) => {
      const data = await ctx.api.request(IterationListDocument, { experimentId });
      if (!data.experiment) throw new CliError(notFoundMessage('experiment', experimentId));
      const { iterations } = data.experiment;
      ctx.result(iterations.length === 0 ? `experiment ${experimentId} has no iteration yet: ste loop ${experimentId} --iterations 1` : iterationRows(iterations), iterations);
    }));

  iteration
    .command('show')
    .description('one iteration: models, counts, stages with durations and tokens, training jobs (and LoRA adapters), evaluations of its trained judge')
    .argument('<iteration>', 'iteration id')
    .action(run(async (ctx: CommandContext, iterationId: string) => {
      const data = await ctx.api.request(IterationShowDocument, { id: iterationId });
      const it = data.iteration;
      if (!it) throw new CliError(notFoundMessage('iteration', iterationId));
      const lines = [
        iterationLine(it),
        `experiment ${it.experiment.id} "${it.experiment.name}" · created ${minute(it.createdAt)} UTC · tokens ${compact(it.stats.promptTokens)} in / ${compact(it.stats.completionTokens)} out`,
        'stages:',
        ...(it.stages.length === 0 ? ['  none yet'] : it.stages.map(stageDetailLine)),
      ];
      if (it.trainingJobs.length > 0) lines.push('training:', ...it.trainingJobs.map(trainingJobLine));
      if (it.evaluations.length > 0) {
        lines.push(`evaluations of ${it.trainedModel ?? 'its trained judge'}:`);
        for (const e of it.evaluations) lines.push(`  evaluation ${e.id} on ${e.benchmark.name}: ${e.status === 'SUCCEEDED' ? accuracyText(e.overall.accuracy) : e.status}`);
      }
      ctx.result(lines, it);
    }));
}
