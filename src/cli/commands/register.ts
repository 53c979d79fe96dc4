/**
 * `ste register ITERATION MODEL`: names the model an external trainer produced for an iteration
 * waiting in AWAITING_MODEL (registerJudgeModel); its TRAIN stage completes and a running loop
 * goes on with that judge.
 */
import type { Command } from 'commander';
import { RegisterJudgeModelDocument } from '../../../generated/cli-operations.js';
import type { CommandContext } from '../context.js';
import type { Runner } from './runner.js';

export function registerRegister(program: Command, run: Runner): void {
  program
    .command('register')
    .description('name the trained model of an iteration waiting for one (AWAITING_MODEL)')
    .argument('<iteration>', 'iteration id')
    .argument('<model>', 'the served model name of the judge the external trainer produced')
    .action(run(async (ctx: CommandContext, iterationId: string, model: string) => {
      const data = await ctx.api.request(RegisterJudgeModelDocument, { id: iterationId, model });
      const it = data.registerJudgeModel;
      ctx.result(`iteration ${it.index} (id ${it.id}) ${it.status}: trained model ${it.trainedModel ?? '(none)'}`, it);
    }));
}
