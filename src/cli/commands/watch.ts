/**
 * `ste watch ITERATION`: live stage progress and every judgment of one iteration until it ends.
 * Exit 0 when it SUCCEEDED (or awaits an externally trained model), 1 when it failed or was
 * cancelled.
 */
import type { Command } from 'commander';
import { IterationResultDocument, IterationWatchDocument } from '../../../generated/cli-operations.js';
import type { CommandContext } from '../context.js';
import { CliError, notFoundMessage } from '../errors.js';
import { wholeNumber } from '../options.js';
import { ITERATION_DONE, Watcher } from '../watcher.js';
import { iterationLine, tallyLine } from '../watch-view.js';
import type { Runner } from './runner.js';

type Flags = { tail: number; pollMs: number };

export function registerWatch(program: Command, run: Runner): void {
  program
    .command('watch')
    .description("follow an iteration live: progress per stage, verdict counts and the latest judgments, until it ends")
    .argument('<iteration>', 'iteration id (ste experiment list shows them)')
    .option('--tail <n>', 'latest judgments shown', wholeNumber(0, 50), 5)
    .option('--poll-ms <ms>', 'milliseconds between status checks', wholeNumber(50, 60_000), 1000)
    .action(run(async (ctx: CommandContext, iterationId: string, flags: Flags) => {
      const result = await watchIteration(ctx, iterationId, flags);
      const it = result.iteration;
      ctx.result([iterationLine(it), `received: ${tallyLine(result.received)}`], result);
      if (it.status === 'FAILED' || it.status === 'CANCELLED') {
        throw new CliError(`iteration ${it.index} ${it.status}${it.error ? `: ${it.error}` : ''}`);
      }
    }));
}

export async function watchIteration(ctx: CommandContext, iterationId: string, flags: Flags) {
  const first = (await ctx.api.request(IterationWatchDocument, { id: iterationId })).iteration;
  if (!first) throw new CliError(notFoundMessage('iteration', iterationId));
  const watcher = new Watcher(ctx.api, first.experiment.id, { board: ctx.board(), tail: flags.tail, pollMs: flags.pollMs, signal: ctx.signal }, (s) => s.iterationId === first.id);
  watcher.title = `experiment ${first.experiment.id} "${first.experiment.name}"`;
  watcher.followIteration(first);
  watcher.start();
  try {
    for (const stage of first.stages) watcher.applyStage(stage, true);
    await watcher.run(async () => {
      const found = (await ctx.api.request(IterationWatchDocument, { id: iterationId })).iteration;
      if (!found) throw new CliError(`iteration ${iterationId} no longer exists`);
      watcher.iteration = { id: found.id, index: found.index, judgeModel: found.judgeModel, status: found.status };
      for (const stage of found.stages) watcher.applyStage(stage, true);
      return ITERATION_DONE.has(found.status) && (await watcher.caughtUp());
    });
  } finally {
    watcher.stop();
  }
  const final = (await ctx.api.request(IterationResultDocument, { id: iterationId })).iteration;
  if (!final) throw new CliError(`iteration ${iterationId} no longer exists`);
  return { iteration: final, received: watcher.tally, reconnects: watcher.reconnects };
}
