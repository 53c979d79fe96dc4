/**
 * EXTERNAL: the export is ready for TRL / axolotl / torchtune; the iteration waits in
 * AWAITING_MODEL until registerJudgeModel names the served model (which completes the TRAIN stage
 * through StageRunner.completeOutside). With two training stages each one waits: the model
 * registered for the SFT stage is stored on its job and the DPO stage's export (from that model) is
 * offered next; the model registered then is the iteration's trained judge.
 */
import * as experimentsRepo from '../../db/experiments-repo.js';
import * as trainingRepo from '../../db/training-repo.js';
import { TrainingError } from './backend.js';
import type { TrainingBackend } from './backend.js';

export function externalBackend(): TrainingBackend {
  return {
    async train(run) {
      const { db, iteration } = run;
      let examples = 0;
      for await (const _line of run.lines()) examples += 1;
      if (examples === 0) throw new TrainingError('no training examples: selection kept no judgment (see the SELECT stage stats)');
      await trainingRepo.upsertTrainingJob(db, {
        ...run.job,
        backend: 'EXTERNAL',
        method: run.method,
        baseModel: run.baseModel,
        examples,
        status: 'awaiting_model',
      });
      const settings = run.method === 'dpo' ? ` (DPO loss settings: /exports/iterations/${iteration.id}/dpo-config.jsonl)` : '';
      const from = run.stageCount > 1 ? `, to train from ${run.baseModel}` : '';
      await run.report(`${examples} examples ready at /exports/iterations/${iteration.id}/${run.format}.jsonl${settings}${from}; call registerJudgeModel with the served model`);
      // The status last: whoever sees AWAITING_MODEL finds the stage's message saying what to train, and where.
      await experimentsRepo.updateIteration(db, iteration.id, { status: 'AWAITING_MODEL' });
      return { waiting: true };
    },
  };
}
