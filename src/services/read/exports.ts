/**
 * Exports of an iteration, streamed from the database page by page as JSON lines:
 * the training formats (training-data.ts), once selection has succeeded; `judgments`, every
 * judgment with its raw text (at any time); and `dpo-config`, one line with the DPO loss settings a
 * trainer should use with the DPO data.
 */
import type { Database } from '../../db/database.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import * as judgmentsRepo from '../../db/judgments/index.js';
import * as stagesRepo from '../../db/stages-repo.js';
import { badInput, conflict, notFound } from '../../domain/errors.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { dpoSettings, TRAINING_FORMATS, trainingLines } from '../training/training-data.js';
import type { TrainingFormat } from '../training/training-data.js';

export const EXPORT_FORMATS = [...TRAINING_FORMATS, 'judgments', 'dpo-config'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** An export ready to stream: its lines and the file name it should be saved under. */
export type OpenExport = { fileName: string; lines: AsyncGenerator<string> };

export class ExportService {
  constructor(private readonly database: Database) {}

  /**
   * Validates the request before anything is sent, then returns the line stream. Throws NOT_FOUND
   * for an unknown iteration, CONFLICT for training data of an iteration whose selection has not
   * succeeded (there is nothing to train on yet, and an empty file would look like a result).
   */
  async open(id: number, format: string): Promise<OpenExport> {
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
      throw badInput('format', `unknown export format "${format}": use one of ${EXPORT_FORMATS.join(', ')}`);
    }
    const iteration = await experimentsRepo.getIteration(this.database.db, id);
    if (!iteration) throw notFound('iterationId', 'iteration', id);
    const fileName = `experiment-${iteration.experimentId}-iteration-${iteration.index}-${format}.jsonl`;
    if (format === 'judgments') return { fileName, lines: this.judgmentLines(id) };
    if (format === 'dpo-config') {
      const experiment = await experimentsRepo.getExperiment(this.database.db, iteration.experimentId);
      return { fileName, lines: oneLine(JSON.stringify(dpoSettings(experiment!.config as ExperimentConfig))) };
    }
    const selection = await stagesRepo.latestStage(this.database.db, iteration.experimentId, 'SELECT', id);
    if (selection?.status !== 'SUCCEEDED') {
      const state = selection ? `its SELECT stage is ${selection.status}` : 'its judgments have not been selected';
      throw conflict(`iteration ${id} has no ${format} training data yet: ${state} (selectJudgments makes it, once the JUDGE stage has succeeded)`, 'iterationId');
    }
    const experiment = await experimentsRepo.getExperiment(this.database.db, iteration.experimentId);
    const config = experiment!.config as ExperimentConfig;
    return { fileName, lines: trainingLines(this.database.db, id, config, format as TrainingFormat) };
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
          created_at: isoTimestamp(r.created_at),
        });
      }
    }
  }
}

/** ISO-8601 in UTC, from a Date or from PostgreSQL's text form ("2026-01-02 03:04:05.678901+00", as the drivers return raw rows). */
export function isoTimestamp(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  const text = String(value)
    .replace(' ', 'T')
    .replace(/([+-]\d\d)$/, '$1:00');
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new Error(`not a timestamp: ${String(value)}`);
  return date.toISOString();
}

async function* oneLine(line: string): AsyncGenerator<string> {
  yield line;
}
