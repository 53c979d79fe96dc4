/**
 * `ste loop EXPERIMENT --iterations K`: starts runLoop, then follows it (stages, judgments of the
 * current iteration, a summary line per finished iteration) until the loop ends. With --eval, the
 * server evaluates the seed and each trained judge (runLoop's evaluateOn) and the accuracy trend is
 * printed. With --until-no-gain K (needs --eval), the loop stops early after K trained judges in a
 * row without a validated gain, and the best judge is printed. Exit 0 when the loop SUCCEEDED, 1
 * when it failed or was cancelled.
 */
import type { Command } from 'commander';
import { IterationResultDocument, LoopBestDocument, LoopProgressDocument, LoopTrendDocument, RunLoopDocument } from '../../../generated/cli-operations.js';
import type { IterationSummaryFragment, LoopBestQuery, LoopProgressQuery, RunLoopMutation } from '../../../generated/cli-operations.js';
import type { CommandContext } from '../context.js';
import { CliError } from '../errors.js';
import { trendLines } from '../evaluation-view.js';
import { list, wholeNumber } from '../options.js';
import { isActive, iterationLine } from '../watch-view.js';
import { Watcher } from '../watcher.js';
import { resolveBenchmark } from './evaluate.js';
import type { Runner } from './runner.js';

type Flags = { iterations: number; tail: number; pollMs: number; eval?: string[]; untilNoGain?: number };
type LoopState = NonNullable<RunLoopMutation['runLoop']['loop']>;
type BestJudge = NonNullable<LoopBestQuery['experiment']>['bestIteration'];
type ExperimentView = NonNullable<LoopProgressQuery['experiment']>;

export function registerLoop(program: Command, run: Runner): void {
  program
    .command('loop')
    .description('run whole iterations unattended (pairs, judging, selection, training) and follow them until the loop ends')
    .argument('<experiment>', 'experiment id')
    .requiredOption('--iterations <k>', 'iterations to run after the last finished one', wholeNumber(1, 50))
    .option('--eval <benchmarks>', 'evaluate the seed judge and each trained judge on these benchmarks (names or ids, comma-separated)', list)
    .option('--until-no-gain <k>', 'stop early after k trained judges in a row without a validated gain on the --eval benchmarks', wholeNumber(1, 10))
    .option('--tail <n>', 'latest judgments shown', wholeNumber(0, 50), 5)
    .option('--poll-ms <ms>', 'milliseconds between status checks', wholeNumber(50, 60_000), 1000)
    .action(run(async (ctx: CommandContext, experimentId: string, flags: Flags) => {
      if (flags.untilNoGain !== undefined && !flags.eval) throw new CliError('--until-no-gain needs --eval: the benchmarks that tell whether a judge gained', 2);
      const evaluateOn = flags.eval ? await Promise.all(flags.eval.map((ref) => resolveBenchmark(ctx, ref))) : undefined;
      const { experiment, iterations, logged } = await runAndFollow(ctx, experimentId, flags, evaluateOn);
      const loop = experiment.loop!;
      // On a terminal stderr and stdout are the same screen: a summary logged there is not repeated.
      const onScreen = !ctx.json && process.stdout.isTTY === true && process.stderr.isTTY === true ? logged : new Set<string>();
      const lines = [...iterations.filter((it) => !onScreen.has(it.id)).map(iterationLine), `loop ${loop.status} (to iteration ${loop.targetIteration})${loop.error ? `: ${loop.error}` : ''}`];
      const evaluations = evaluateOn ? await evaluationTrend(ctx, experimentId) : null;
      if (evaluations) lines.push(...trendLines(evaluations.seedEvaluations, evaluations.iterations));
      const best = flags.untilNoGain !== undefined ? await bestJudge(ctx, experimentId) : null;
      if (best) lines.push(...bestLines(best));
      ctx.result(lines, { experiment: { id: experiment.id, name: experiment.name }, loop, iterations, evaluations, ...(best ? { best } : {}) });
      if (loop.status !== 'SUCCEEDED') throw new CliError(`loop ${loop.status}${loop.error ? `: ${loop.error}` : ''}`);
    }));
}

async function bestJudge(ctx: CommandContext, experimentId: string) {
  const { experiment } = await ctx.api.request(LoopBestDocument, { id: experimentId });
  if (!experiment) throw new CliError(`experiment ${experimentId} no longer exists`);
  return { stopReason: experiment.loop?.stopReason ?? null, judge: experiment.bestIteration };
}

function bestLines(best: { stopReason: string | null; judge: BestJudge }): string[] {
  const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);
  const lines = best.stopReason ? [best.stopReason] : [];
  if (best.judge) {
    const who = best.judge.iteration ? `M${best.judge.iteration.index + 1} (iteration ${best.judge.iteration.index})` : 'M1 (seed)';
    lines.push(`best judge: ${who} ${best.judge.judgeModel} · validation accuracy ${pct(best.judge.accuracy)} · position consistency ${pct(best.judge.positionConsistency)}`);
  }
  return lines;
}

async function evaluationTrend(ctx: CommandContext, experimentId: string) {
  const { experiment } = await ctx.api.request(LoopTrendDocument, { id: experimentId });
  if (!experiment) throw new CliError(`experiment ${experimentId} no longer exists`);
  return experiment;
}

async function runAndFollow(ctx: CommandContext, experimentId: string, flags: Flags, evaluateOn: string[] | undefined) {
  const started = await ctx.api.request(RunLoopDocument, { id: experimentId, n: flags.iterations, on: evaluateOn ?? null, k: flags.untilNoGain ?? null });
  const { loop: startLoop, name } = started.runLoop;
  if (!startLoop) throw new CliError(`experiment ${experimentId}: runLoop answered without a loop`);
  // Iterations up to this index were finished before: the loop makes the ones after it.
  const finishedBefore = startLoop.targetIteration - flags.iterations;
  const seenActive = new Set<string>();
  const logged = new Set<string>();
  const watcher: Watcher = new Watcher(ctx.api, experimentId, { board: ctx.board(), tail: flags.tail, pollMs: flags.pollMs, signal: ctx.signal }, (stage) => {
    if (stage.iterationId !== null) return (watcher.iterationIndex.get(stage.iterationId) ?? 0) > finishedBefore;
    // Experiment-wide stages (pair generation): those this loop runs, seen while active.
    if (isActive(stage)) seenActive.add(stage.id);
    return seenActive.has(stage.id);
  });
  const title = (loop: LoopState) => `experiment ${experimentId} "${name}" · loop ${loop.status} to iteration ${loop.targetIteration}`;
  watcher.title = title(startLoop);
  watcher.start();
  let experiment: ExperimentView | null = null;
  try {
    await watcher.run(async () => {
      experiment = (await ctx.api.request(LoopProgressDocument, { id: experimentId })).experiment;
      if (!experiment?.loop) throw new CliError(`experiment ${experimentId} no longer exists`);
      const current = experiment.iterations.filter((it) => it.index > finishedBefore).at(-1);
      const next = current && current.id !== watcher.iteration?.id;
      // The previous iteration's summary first: the new one's stages stay unlisted (index unknown) until then.
      if (next && watcher.iteration) {
        watcher.log(iterationLine(await finalIteration(ctx, watcher.iteration.id)));
        logged.add(watcher.iteration.id);
      }
      for (const it of experiment.iterations) watcher.iterationIndex.set(it.id, it.index);
      if (next) {
        watcher.followIteration(current);
      } else if (current) {
        watcher.iteration = { id: current.id, index: current.index, judgeModel: current.judgeModel, status: current.status };
      }
      // Oldest first (the API lists an experiment's stages newest first): logged lines stay in the order the stages ran.
      for (const stage of [...experiment.stages].sort((a, b) => Number(a.id) - Number(b.id))) watcher.applyStage(stage, true);
      watcher.title = title(experiment.loop);
      watcher.redraw();
      return experiment.loop.status !== 'RUNNING' && (await watcher.caughtUp());
    });
  } finally {
    watcher.stop();
  }
  const final = experiment as ExperimentView | null;
  const made = final?.iterations.filter((it) => it.index > finishedBefore) ?? [];
  const iterations = await Promise.all(made.map((it) => finalIteration(ctx, it.id)));
  return { experiment: final!, iterations, logged };
}

async function finalIteration(ctx: CommandContext, id: string): Promise<IterationSummaryFragment> {
  const { iteration } = await ctx.api.request(IterationResultDocument, { id });
  if (!iteration) throw new CliError(`iteration ${id} no longer exists`);
  return iteration;
}
