/**
 * `ste experiment show ID`: an experiment's configuration, instructions and pairs, its loop, every
 * iteration with its id and index (the ids `ste watch` and `ste export` take) and counts, and its
 * experiment-wide stages.
 */
import type { Command } from 'commander';
import { ExperimentShowDocument } from '../../../generated/cli-operations.js';
import type { CommandContext } from '../context.js';
import { CliError, notFoundMessage } from '../errors.js';
import { accuracyText } from '../evaluation-view.js';
import { minute } from '../paging.js';
import { count } from '../progress.js';
import { costText, iterationRows, stageDetailLine } from './iteration.js';
import type { Runner } from './runner.js';

export function registerExperimentShow(experiment: Command, run: Runner): void {
  experiment
    .command('show')
    .description('one experiment: configuration, pairs, loop, iterations (ids and indices) with their counts, stages')
    .argument('<experiment>', 'experiment id')
    .action(run(async (ctx: CommandContext, experimentId: string) => {
      const data = await ctx.api.request(ExperimentShowDocument, { id: experimentId });
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
