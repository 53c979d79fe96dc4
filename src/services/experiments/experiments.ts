/**
 * Experiments and their instructions: creation with validated config, and all-or-nothing imports.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { transaction } from '../../db/database.js';
import type { Database } from '../../db/database.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import type { ExperimentRow } from '../../db/schema.js';
import { badInput, conflict, notFound } from '../../domain/errors.js';
import { resolveExperimentConfig } from './config.js';
import type { ExperimentConfigInput, ModelDefaults } from './config.js';
import { parseInstructionFile } from '../imports/instructions.js';
import type { InstructionFormat } from '../imports/instructions.js';
import { normalizeText } from '../../domain/prompts.js';
import { projectPath } from '../../config/paths.js';

export const BUNDLED_INSTRUCTIONS: Record<string, string> = {
  'mt-bench': 'data/instructions/mt-bench-questions.jsonl',
  'vicuna-bench': 'data/instructions/vicuna-bench-questions.jsonl',
};


/** Longest `source` label of an import, in characters. */
export const MAX_SOURCE_LENGTH = 200;

/** Largest content accepted by one importInstructions call; larger files go in several calls. */
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024;

export type ImportInstructionsResult = {
  accepted: number;
  duplicates: { line: number; duplicateOfLine: number | null }[];
  rejected: { line: number; reason: string }[];
  excluded: number;
  stored: boolean;
  instructionCount: number;
};

export const textHash = (text: string) => createHash('sha256').update(normalizeText(text)).digest('hex');

export class ExperimentService {
  constructor(
    private readonly database: Database,
    private readonly modelDefaults: ModelDefaults,
    readonly maxInstructionLength: number,
  ) {}

  async create(name: string, input: ExperimentConfigInput | null | undefined): Promise<ExperimentRow> {
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 200) throw badInput('name', 'must be 1 to 200 characters');
    const config = resolveExperimentConfig(input, this.modelDefaults);
    return experimentsRepo.insertExperiment(this.database.db, trimmed, config);
  }

  /** Deletes an experiment with everything it holds; refused while a stage of it is active or its loop runs. */
  async delete(experimentId: number): Promise<number> {
    const outcome = await experimentsRepo.deleteIdleExperiment(this.database.db, experimentId);
    if (outcome === 'missing') throw notFound('id', 'experiment', experimentId);
    if (outcome === 'busy') throw conflict(`experiment ${experimentId} has an active stage or a running loop: cancel them first`, 'id');
    return experimentId;
  }

  async importInstructions(
    experiment: ExperimentRow,
    content: string | Buffer,
    format: InstructionFormat,
    source: string | null,
  ): Promise<ImportInstructionsResult> {
    if (source !== null && source.length > MAX_SOURCE_LENGTH) throw badInput('source', `must be at most ${MAX_SOURCE_LENGTH} characters`);
    if (Buffer.byteLength(content) > MAX_IMPORT_BYTES) {
      throw badInput('content', `is larger than ${MAX_IMPORT_BYTES} bytes: send the file in several calls`);
    }
    const parsed = parseInstructionFile(content, { maxLength: this.maxInstructionLength, format });
    const db = this.database.db;
    const count = async () => (await experimentsRepo.countInstructions(db, [experiment.id])).get(experiment.id) ?? 0;
    const duplicates: ImportInstructionsResult['duplicates'] = parsed.duplicates.map((d) => ({ line: d.line, duplicateOfLine: d.duplicateOfLine }));
    if (parsed.rejected.length > 0) {
      return { accepted: 0, duplicates, rejected: parsed.rejected, excluded: 0, stored: false, instructionCount: await count() };
    }
    return this.storeAccepted(experiment, parsed.accepted, duplicates, source);
  }

  async instructionCount(experimentId: number): Promise<number> {
    return (await experimentsRepo.countInstructions(this.database.db, [experimentId])).get(experimentId) ?? 0;
  }

  /**
   * Stores parsed instructions in one transaction: those already in the experiment become
   * duplicates (`duplicateOfLine: null`), those in a benchmark are stored but kept out of training.
   */
  async storeAccepted(
    experiment: ExperimentRow,
    accepted: readonly { text: string; category: string | null; sourceId: string | null; line: number }[],
    duplicates: ImportInstructionsResult['duplicates'],
    source: string | null,
  ): Promise<ImportInstructionsResult> {
    const db = this.database.db;
    const rows = accepted.map((a) => ({ ...a, hash: textHash(a.text) }));
    const result = await transaction(db, async (t) => {
      // Chunks keep each statement under PostgreSQL's 65,535 bind parameters.
      const existing = new Set<string>();
      const inBenchmarks = new Set<string>();
      for (let i = 0; i < rows.length; i += 5_000) {
        const hashes = rows.slice(i, i + 5_000).map((r) => r.hash);
        for (const h of await experimentsRepo.existingInstructionHashes(t, experiment.id, hashes)) existing.add(h);
        for (const h of await experimentsRepo.benchmarkPromptHashes(t, hashes)) inBenchmarks.add(h);
      }
      const fresh = rows.filter((r) => !existing.has(r.hash));
      for (const r of rows) if (existing.has(r.hash)) duplicates.push({ line: r.line, duplicateOfLine: null });
      const stored = await experimentsRepo.insertInstructions(
        t,
        experiment.id,
        fresh.map((r) => ({
          text: r.text,
          textHash: r.hash,
          category: r.category,
          sourceId: r.sourceId,
          source,
          excludedReason: inBenchmarks.has(r.hash) ? 'appears in a benchmark: never used for training' : null,
        })),
      );
      return { stored, excluded: fresh.filter((r) => inBenchmarks.has(r.hash)).length };
    });
    duplicates.sort((a, b) => a.line - b.line);
    const instructionCount = (await experimentsRepo.countInstructions(db, [experiment.id])).get(experiment.id) ?? 0;
    return { accepted: result.stored, duplicates, rejected: [], excluded: result.excluded, stored: result.stored > 0, instructionCount };
  }

  async importBundled(experiment: ExperimentRow, name: string): Promise<ImportInstructionsResult> {
    const file = BUNDLED_INSTRUCTIONS[name];
    if (!file) throw badInput('name', `unknown bundled instruction set "${name}": use one of ${Object.keys(BUNDLED_INSTRUCTIONS).join(', ')}`);
    const content = await readFile(projectPath(file));
    return this.importInstructions(experiment, content, 'mtbench', name);
  }
}
