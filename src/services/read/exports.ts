/**
 * Exports of an iteration, streamed from the database page by page as JSON lines:
 * the training formats (training-data.ts), `judgments`, every judgment with its raw text, and
 * `dpo-config`, one line with the DPO loss settings a trainer should use with the DPO data.
 */
import type { Database } from '../../db/database.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import * as judgmentsRepo from '../../db/judgments/index.js';
import { badInput, notFound } from '../../domain/errors.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { dpoSettings, TRAINING_FORMATS, trainingLines } from '../training/training-data.js';
import type { TrainingFormat } from '../training/training-data.js';

export const EXPORT_FORMATS = [...TRAINING_FORMATS, 'judgments', 'dpo-config'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export class ExportService {
  constructor(private readonly database: Database) {}

  /** Validates the request before anything is sent, then returns the line stream. */
  async open(id: number, format: string): Promise<AsyncGenerator<string>> {
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
      throw badInput('format', `unknown export format "${format}": use one of ${EXPORT_FORMATS.join(', ')}`);
    }
    const iteration = await experimentsRepo.getIteration(this.database.db, id);
    if (!iteration) throw notFound('iterationId', 'iteration', id);
    const experiment = await experimentsRepo.getExperiment(this.database.db, iteration.experimentId);
    const config = experiment!.config as ExperimentConfig;
    if (format === 'dpo-config') return oneLine(JSON.stringify(dpoSettings(config)));
    return format === 'judgments' ? this.judgmentLines(id) : trainingLines(this.database.db, id, config, format as TrainingFormat);
  }

  private async *judgmentLines(iterationId: number): AsyncGenerator<string> {
    let afterSeq = 0;
    for (;;) {
      const rows = await judgmentsRepo.exportRows(this.database.db, iterationId, afterSeq, 1_000);
      if (rows.length === 0) return;
      for (const r of rows) {
        afterSeq = Number(r.seq);
        yield JSON.stringify({
          id: String(r.id),
          seq: Number(r.seq),
          iteration_id: String(iterationId),
          pair_id: String(r.pair_id),
          instruction_id: String(r.instruction_id),
          instruction: r.question,
          modified_instruction: r.modified_instruction,
          chosen: r.chosen,
          rejected: r.rejected,
          order: r.order,
          sample: r.sample,
          model: r.model,
          reasoning: r.reasoning,
          verdict: r.verdict,
          correct: r.correct,
          selected: r.selected,
          finish_reason: r.finish_reason,
          prompt_tokens: r.prompt_tokens,
          completion_tokens: r.completion_tokens,
          created_at: r.created_at instanceof Date ? r.created_at.toISOString() : r.created_at,
        });
      }
    }
  }
}

async function* oneLine(line: string): AsyncGenerator<string> {
  yield line;
}
