/**
 * `ste experiment show ID`: an experiment's configuration, instructions and pairs, its loop, every
 * iteration with its id and index (the ids `ste watch` and `ste export` take) and counts, and its
 * experiment-wide stages.
 */
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { CliError, notFoundMessage } from '../errors.js';
import { accuracyText, TREND_FIELDS } from '../evaluation-view.js';
import type { TrendEvaluation } from '../evaluation-view.js';
import type { Experiment, ExperimentConfig, LoopState, Money, PairConnection, TrainingConfig } from '../../../generated/graphql-types.js';
import { minute } from '../paging.js';
import { count } from '../progress.js';
import { ITERATION_FIELDS, ITERATION_STATS } from '../watch-view.js';
import type { IterationResult } from '../watch-view.js';
import { costText, iterationRows, STAGE_DETAIL, stageDetailLine } from './iteration.js';
import type { IterationDetail } from './iteration.js';
import type { Runner } from './runner.js';

type ExperimentDetail = Pick<Experiment, 'id' | 'name' | 'createdAt' | 'instructionCount' | 'unpricedModels'> & {
  cost: Pick<Money, 'amount' | 'currency'> | null;
  config: Pick<ExperimentConfig, 'judgeModel' | 'generatorModel' | 'samplesPerOrder' | 'seed' | 'temperature' | 'tokenBudget' | 'moneyBudget'> & { training: Pick<TrainingConfig, 'backend' | 'method' | 'stages'> };
  loop: Pick<LoopState, 'status' | 'targetIteration' | 'error'> | null;
  ready: Pick<PairConnection, 'totalCount'>;
  rejected: Pick<PairConnection, 'totalCount'>;
  iterations: IterationResult[];
  stages: IterationDetail['stages'];
  seedEvaluations: TrendEvaluation[];
};

const DETAIL = `id name createdAt instructionCount cost { amount currency } unpricedModels
  config { judgeModel generatorModel samplesPerOrder seed temperature tokenBudget moneyBudget training { backend method stages } }
  loop { status targetIteration error }
  ready: pairs(first: 0, status: READY) { totalCount } rejected: pairs(first: 0, status: REJECTED) { totalCount }
  iterations { ${ITERATION_FIELDS} stats { ${ITERATION_STATS} } }
  stages { ${STAGE_DETAIL} }
  seedEvaluations { ${TREND_FIELDS} }`;

export function registerExperimentShow(experiment: Command, run: Runner): void {
  experiment
    .command('show')
    .description('one experiment: configuration, pairs, loop, iterations (ids and indices) with their counts, stages')
    .argument('<experiment>', 'experiment id')
    .action(run(async (ctx: CommandContext, experimentId: string) => {
      const data = await ctx.api.request<{ experiment: ExperimentDetail | null }>(`query ($id: ID!) { experiment(id: $id) { ${DETAIL} } }`, { id: experimentId });
      const e = data.experiment;
      if (!e) throw new CliError(notFoundMessage('experiment', experimentId));
      const c = e.config;
      const lines = [
        `experiment ${e.id} "${e.name}" · created ${minute(e.createdAt)} UTC`,
        `judge ${c.judgeModel} · generator ${c.generatorModel} · N=${c.samplesPerOrder} · temperature ${c.temperature} · seed ${c.seed} · training ${c.training.backend} ${c.training.stages.join(' then ')}` +
          (c.tokenBudget == null ? '' : ` · token budget ${count(c.tokenBudget)}`) +
          ` · spent ${costText(e.cost, e.unpricedModels)}` +
          (c.moneyBudget == null ? '' : ` · money budget ${c.moneyBudget} USD`),
        `${count(e.instructionCount)} instructions · ${count(e.ready.totalCount)} pairs ready, ${count(e.rejected.totalCount)} rejected`,
        e.loop ? `loop ${e.loop.status} to iteration ${e.loop.targetIteration}${e.loop.error ? `: ${e.loop.error}` : ''}` : 'loop: not started',
      ];
      lines.push(...(e.iterations.length === 0 ? ['iterations: none yet'] : ['iterations:', ...iterationRows(e.iterations)]));
      const wide = e.stages.filter((s) => s.iterationId === null && s.evaluationId === null);
      if (wide.length > 0) lines.push('experiment stages:', ...wide.map(stageDetailLine));
      for (const s of e.seedEvaluations) lines.push(`seed judge: evaluation ${s.id} on ${s.benchmark.name}: ${s.status === 'SUCCEEDED' ? accuracyText(s.overall.accuracy) : s.status}`);
      ctx.result(lines, e);
    }));
}
