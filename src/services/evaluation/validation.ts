/**
 * The verdicts of a loop's judges on its validation benchmarks (runLoop's evaluateOn), for the
 * stopping rule and the best judge (loop/stopping.ts). A judge counts once every benchmark has a
 * finished evaluation of it; items of different benchmarks are told apart by their ids.
 */
import type { Db } from '../../db/database.js';
import * as evaluationsRepo from '../../db/evaluations-repo.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import type { ExperimentRow } from '../../db/schema.js';
import type { ExperimentConfig } from '../experiments/config.js';
import type { ValidatedJudge } from '../loop/stopping.js';

export async function validatedJudges(db: Db, experiment: ExperimentRow, benchmarkIds: readonly number[]): Promise<ValidatedJudge[]> {
  if (benchmarkIds.length === 0) return [];
  const config = experiment.config as ExperimentConfig;
  const iterations = (await experimentsRepo.listIterations(db, [experiment.id])).filter((i) => i.status === 'SUCCEEDED' && i.trainedModel).sort((a, b) => a.index - b.index);
  const judges = [{ iterationId: null, index: 0, judgeModel: config.judgeModel }, ...iterations.map((i) => ({ iterationId: i.id, index: i.index, judgeModel: i.trainedModel! }))];
  const out: ValidatedJudge[] = [];
  for (const judge of judges) {
    const records: ValidatedJudge['records'] = [];
    let complete = true;
    for (const benchmarkId of benchmarkIds) {
      const evaluation = await evaluationsRepo.latestLoopEvaluation(db, experiment.id, judge.iterationId, benchmarkId);
      if (!evaluation || evaluation.status !== 'SUCCEEDED') {
        complete = false;
        break;
      }
      for (const r of await evaluationsRepo.verdictRows(db, evaluation.id)) records.push({ ...r, itemId: `${benchmarkId}:${r.itemId}` });
    }
    if (!complete) break; // judges are in loop order: a later one cannot count before this one
    out.push({ ...judge, records });
  }
  return out;
}
