/**
 * `ste stage log STAGE [--follow]`: a stage's log (a COMMAND trainer's stdout and stderr); with
 * --follow, the lines as they are written (stageLogAppended, resumed after the last line printed
 * when the connection drops) until the stage ends. `ste stage cancel STAGE`: cancelStage (for a
 * COMMAND trainer, its whole process group is stopped).
 */
import type { Command } from 'commander';
import { CancelStageDocument, StageLogAppendedDocument, StageLogDocument, StageStateDocument } from '../../../generated/cli-operations.js';
import type { LogLineFragment, StageOutcomeFragment } from '../../../generated/cli-operations.js';
import type { SubscriptionError } from '../client.js';
import type { CommandContext } from '../context.js';
import { CliError, notFoundMessage } from '../errors.js';
import { follow } from '../live.js';
import { wholeNumber } from '../options.js';
import type { Runner } from './runner.js';

export function registerStage(program: Command, run: Runner): void {
  const stage = program.command('stage').description("a stage's trainer log, or cancel a stage");
  stage
    .command('log')
    .description("print a stage's log (a COMMAND trainer's stdout and stderr); --follow prints new lines until the stage ends")
    .argument('<stage>', 'stage id (ste iteration show ID lists its stages)')
    .option('--last <n>', 'lines already stored to print first, 0 to 1000', wholeNumber(0, 1000), 100)
    .option('--follow', 'then print each new line as it is stored, until the stage ends')
    .action(run(async (ctx: CommandContext, stageId: string, flags: { last: number; follow?: boolean }) => {
      const data = await ctx.api.request(StageLogDocument, { id: stageId, last: flags.last });
      if (!data.stage) throw new CliError(notFoundMessage('stage', stageId));
      const lines: LogLineFragment[] = [...data.stage.log];
      const print = (l: LogLineFragment) => {
        if (!ctx.json) process.stdout.write(`${l.line}\n`);
      };
      lines.forEach(print);
      let ended: StageOutcomeFragment = data.stage;
      if (flags.follow) {
        let lastId: string | null = lines.at(-1)?.id ?? null;
        await new Promise<void>((resolve, reject) => {
          const live = follow(ctx.api, {
            document: StageLogAppendedDocument,
            variables: () => ({ id: stageId, after: lastId ?? '0' }),
            onData: ({ stageLogAppended: l }) => {
              if (lastId !== null && Number(l.id) <= Number(lastId)) return;
              lastId = l.id;
              lines.push(l);
              print(l);
            },
            onRetry: (attempt, delayMs, error) => process.stderr.write(`connection lost (${error.message}); resuming in ${Math.round(delayMs / 100) / 10} s\n`),
            onFatal: (error: SubscriptionError) => reject(error),
            onComplete: () => resolve(),
          });
          ctx.signal.addEventListener('abort', () => {
            live.stop();
            resolve();
          }, { once: true });
        });
        const state = (await ctx.api.request(StageStateDocument, { id: stageId })).stage;
        if (!state) throw new CliError(notFoundMessage('stage', stageId));
        ended = state;
        if (!ctx.json) process.stderr.write(`stage ${ended.id} (${ended.kind}) ${ended.status}${ended.error ? `: ${ended.error}` : ''}\n`);
      }
      if (ctx.json) ctx.result('', { stage: { id: ended.id, kind: ended.kind, status: ended.status, error: ended.error }, lines });
    }));

  stage
    .command('cancel')
    .description('cancel a running stage (a COMMAND trainer is stopped with its whole process group); resumeStage runs it again')
    .argument('<stage>', 'stage id')
    .action(run(async (ctx: CommandContext, stageId: string) => {
      const data = await ctx.api.request(CancelStageDocument, { id: stageId });
      const s = data.cancelStage;
      ctx.result(`stage ${s.id} (${s.kind}) ${s.status}`, s);
    }));
}
