/**
 * `ste eval [run] BENCHMARK --iteration ID | --experiment ID | --model NAME`: starts evaluateJudge and
 * follows it (evaluationUpdated, with a poll as a safety net) until it ends, then prints accuracy
 * overall and per subset with 95% intervals. Exit 0 when it SUCCEEDED, 1 otherwise. `ste eval
 * list|show|diff` are in eval-inspect.ts.
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { BenchmarkNamesDocument, EvaluateJudgeDocument, EvaluationProgressDocument, EvaluationShowDocument, EvaluationUpdatedDocument } from '../../../generated/cli-operations.js';
import type { EvaluationProgressFragment, EvaluationResultFragment } from '../../../generated/cli-operations.js';
import type { EvaluationOrder } from '../../../generated/graphql-types.js';
import { NetworkError } from '../client.js';
import type { CommandContext } from '../context.js';
import { CliError, notFoundMessage, UsageError } from '../errors.js';
import { follow } from '../live.js';
import { list, wholeNumber } from '../options.js';
import { bar, count } from '../progress.js';
import { accuracyText, EVALUATION_DONE, evaluationLines } from '../evaluation-view.js';
import type { Runner } from './runner.js';

type Flags = { iteration?: string; experiment?: string; model?: string; order?: string; samples?: number; seed?: number; subsets?: string[]; pollMs: number };

/** Registers `ste eval` and returns it, for its other subcommands (eval-inspect.ts). */
export function registerEval(program: Command, run: Runner): Command {
  const evalCommand = program
    .command('eval')
    .description('score a judge on a benchmark (ste eval BENCHMARK ...), or list, show and compare evaluations');
  // `ste eval BENCHMARK --model M` runs `ste eval run`: the default subcommand.
  evalCommand
    .command('run', { isDefault: true })
    .description('score a judge on a benchmark and wait for the result (accuracy overall and per subset, with 95% intervals)')
    .argument('<benchmark>', 'benchmark name or id (ste import benchmark adds one)')
    .option('--iteration <id>', 'the judge this iteration trained')
    .option('--experiment <id>', "the experiment's seed judge")
    .option('--model <name>', 'any model of the endpoint, outside any experiment')
    .addOption(new Option('--order <order>', 'order(s) each pair is shown in (default BOTH)').choices(['BOTH', 'RANDOM_SEEDED', 'AS_GIVEN']))
    .option('--samples <k>', 'samples per item and order, majority vote above 1 (default 1)', wholeNumber(1, 64))
    .option('--seed <n>', 'seed of the random order, sampling and intervals (default 1)', wholeNumber(-2147483648, 2147483647))
    .option('--subsets <list>', 'only these subsets, comma-separated', list)
    .option('--poll-ms <ms>', 'milliseconds between status checks', wholeNumber(50, 60_000), 2000)
    .action(run(async (ctx: CommandContext, benchmark: string, flags: Flags) => {
      const judges = [flags.iteration, flags.experiment, flags.model].filter((j) => j !== undefined);
      if (judges.length !== 1) throw new UsageError('name exactly one judge: --iteration ID, --experiment ID (its seed judge) or --model NAME');
      const benchmarkId = await resolveBenchmark(ctx, benchmark);
      // commander checked --order's choices: they are EvaluationOrder values.
      const options = { order: flags.order as EvaluationOrder | undefined, samples: flags.samples, seed: flags.seed, subsets: flags.subsets };
      const started = await ctx.api.request(EvaluateJudgeDocument, { b: benchmarkId, i: flags.iteration ?? null, e: flags.experiment ?? null, m: flags.model ?? null, o: options });
      const evaluation = await followEvaluation(ctx, started.evaluateJudge.id, flags.pollMs);
      ctx.result(evaluationLines(evaluation), evaluation);
      if (evaluation.status !== 'SUCCEEDED') throw new CliError(`evaluation ${evaluation.id} ${evaluation.status}${evaluation.error ? `: ${evaluation.error}` : ''}`);
    }));
  return evalCommand;
}

/** A benchmark's id from its name or id; fails with the names there are. */
export async function resolveBenchmark(ctx: CommandContext, ref: string): Promise<string> {
  const { benchmarks } = await ctx.api.request(BenchmarkNamesDocument, {});
  const found = benchmarks.find((b) => b.name === ref) ?? benchmarks.find((b) => b.id === ref);
  if (found) return found.id;
  const known = benchmarks.length > 0 ? `known: ${benchmarks.map((b) => b.name).join(', ')}` : 'there is none yet';
  throw new CliError(`${notFoundMessage('benchmark', ref)} (${known}): add one with ste import benchmark`);
}

/** How long the server may stay unreachable while an evaluation is followed. */
const LOST_AFTER_MS = 60_000;

/** Progress on stderr until the evaluation ends; returns its final results. */
export async function followEvaluation(ctx: CommandContext, evaluationId: string, pollMs: number): Promise<EvaluationResultFragment> {
  const board = ctx.board();
  let finished = false;
  let wake: () => void = () => {};
  let fatal: CliError | null = null;
  let lostSince: number | null = null;
  const show = (p: EvaluationProgressFragment) => {
    const done = p.stage?.done ?? 0;
    const total = p.stage?.total ?? 0;
    board.update([`evaluation ${evaluationId} ${p.status} ${bar(done, total)} ${count(done)}/${count(total)} · accuracy so far ${accuracyText(p.overall.accuracy)}`]);
    if (total > 0) board.progress('evaluation', `evaluation ${evaluationId}:`, done, total, EVALUATION_DONE.has(p.status));
    if (EVALUATION_DONE.has(p.status) && !p.partial) {
      finished = true;
      wake();
    }
  };
  const live = follow(ctx.api, {
    document: EvaluationUpdatedDocument,
    variables: () => ({ id: evaluationId }),
    onData: ({ evaluationUpdated }) => show(evaluationUpdated),
    onFatal: (error) => {
      fatal = error;
      wake();
    },
  });
  try {
    while (!finished) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (fatal) throw fatal;
      if (ctx.signal.aborted) throw new CliError(`interrupted: evaluation ${evaluationId} goes on on the server`, 130);
      if (finished) break;
      // The stream ends after the final state; the poll covers a state missed while reconnecting.
      try {
        const progress = (await ctx.api.request(EvaluationProgressDocument, { id: evaluationId })).evaluation;
        if (!progress) throw new CliError(`evaluation ${evaluationId} no longer exists`);
        show(progress);
        lostSince = null;
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
        lostSince ??= Date.now();
        if (Date.now() - lostSince > LOST_AFTER_MS) throw error;
      }
    }
  } finally {
    live.stop();
    board.close();
  }
  const final = (await ctx.api.request(EvaluationShowDocument, { id: evaluationId })).evaluation;
  if (!final) throw new CliError(`evaluation ${evaluationId} no longer exists`);
  return final;
}
