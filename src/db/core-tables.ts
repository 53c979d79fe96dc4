/**
 * The loop's and the evaluations' tables (schema.ts is the entry point; stage-records.ts has the
 * rest). Natural keys are unique constraints, so every write of a stage's results can be
 * `ON CONFLICT DO NOTHING`: a retried or re-run job never duplicates a row.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

export const id = () => bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity();
export const ref = (name: string) => bigint(name, { mode: 'number' });
export const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

export const experiments = pgTable('experiments', {
  id: id(),
  name: text('name').notNull(),
  /** Validated ExperimentConfig (src/services/experiments/config.ts). */
  config: jsonb('config').notNull(),
  /** runLoop: the iteration index to reach; null when no loop was asked for. */
  loopTarget: integer('loop_target'),
  /** RUNNING | SUCCEEDED | FAILED | CANCELLED */
  loopStatus: text('loop_status'),
  loopError: text('loop_error'),
  /** Benchmark ids to evaluate the seed and each trained judge on. */
  loopEvaluateOn: jsonb('loop_evaluate_on').notNull().default([]),
  /** runLoop's stopping rule, {"patience": K, "reason": why it stopped early or null}; null: run to loopTarget. */
  loopStop: jsonb('loop_stop'),
  createdAt: createdAt(),
});

export const instructions = pgTable(
  'instructions',
  {
    id: id(),
    experimentId: ref('experiment_id')
      .notNull()
      .references(() => experiments.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    /** sha256 of the normalised text: the deduplication key. */
    textHash: text('text_hash').notNull(),
    category: text('category'),
    sourceId: text('source_id'),
    source: text('source'),
    /** Set when the instruction may not be used for training (for example: it is in a benchmark). */
    excludedReason: text('excluded_reason'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('instructions_experiment_text_key').on(t.experimentId, t.textHash),
    // Full-text search (db/search.ts): the same expression as its queries.
    index('instructions_text_search_idx').using('gin', sql`to_tsvector('english', ${t.text})`),
  ],
);

export const pairs = pgTable(
  'pairs',
  {
    id: id(),
    experimentId: ref('experiment_id')
      .notNull()
      .references(() => experiments.id, { onDelete: 'cascade' }),
    instructionId: ref('instruction_id')
      .notNull()
      .references(() => instructions.id, { onDelete: 'cascade' }),
    /** 0 for the first set of pairs; incremented when an experiment regenerates pairs. */
    generation: integer('generation').notNull().default(0),
    /** READY | REJECTED | FAILED */
    status: text('status').notNull(),
    chosen: text('chosen'),
    modifiedInstruction: text('modified_instruction'),
    rejected: text('rejected'),
    /** The generator's raw output for the modification prompt, kept for rejected pairs. */
    rawOutput: text('raw_output'),
    error: text('error'),
    /** MODIFIED_INSTRUCTION | WORSE_REWRITE: how y_l was made; null for pairs made before it was recorded. */
    construction: text('construction'),
    /** Version of the prompt that made y_l (PAIR_PROMPT_VERSIONS in src/domain/prompts.ts). */
    promptVersion: text('prompt_version'),
    attempts: integer('attempts').notNull().default(1),
    promptTokens: integer('prompt_tokens').notNull().default(0),
    completionTokens: integer('completion_tokens').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('pairs_instruction_generation_key').on(t.instructionId, t.generation),
    index('pairs_experiment_status_idx').on(t.experimentId, t.generation, t.status),
  ],
);

export const iterations = pgTable(
  'iterations',
  {
    id: id(),
    experimentId: ref('experiment_id')
      .notNull()
      .references(() => experiments.id, { onDelete: 'cascade' }),
    /** t: iteration t is judged by M_t and trains M_{t+1}. Starts at 1. */
    index: integer('index').notNull(),
    judgeModel: text('judge_model').notNull(),
    trainedModel: text('trained_model'),
    /** The pair generation this iteration judges. */
    pairGeneration: integer('pair_generation').notNull().default(0),
    /** PENDING | RUNNING | AWAITING_MODEL | SUCCEEDED | FAILED | CANCELLED */
    status: text('status').notNull(),
    error: text('error'),
    /** Last judgment seq handed out; bumped under a row lock so that seq follows commit order. */
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
    // Counters of the iteration's judgments (IterationStats), kept exact at write time:
    // insertJudgments adds what it stored, selectJudgments sets the selected counts. The full scan
    // they must always equal is judgmentsRepo.recountIteration.
    judgmentsCount: bigint('judgments_count', { mode: 'number' }).notNull().default(0),
    correctCount: bigint('correct_count', { mode: 'number' }).notNull().default(0),
    incorrectCount: bigint('incorrect_count', { mode: 'number' }).notNull().default(0),
    unparseableCount: bigint('unparseable_count', { mode: 'number' }).notNull().default(0),
    tiesCount: bigint('ties_count', { mode: 'number' }).notNull().default(0),
    selectedCount: bigint('selected_count', { mode: 'number' }).notNull().default(0),
    selectedAWinsCount: bigint('selected_a_wins_count', { mode: 'number' }).notNull().default(0),
    selectedBWinsCount: bigint('selected_b_wins_count', { mode: 'number' }).notNull().default(0),
    /** (pair, order)s with at least one judgment and none correct. */
    pairOrdersWithoutCorrectCount: bigint('pair_orders_without_correct_count', { mode: 'number' }).notNull().default(0),
    /** Pairs with judgments and none correct in either order. */
    pairsWithoutCorrectCount: bigint('pairs_without_correct_count', { mode: 'number' }).notNull().default(0),
    judgmentPromptTokens: bigint('judgment_prompt_tokens', { mode: 'number' }).notNull().default(0),
    judgmentCompletionTokens: bigint('judgment_completion_tokens', { mode: 'number' }).notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('iterations_experiment_index_key').on(t.experimentId, t.index)],
);

export const judgments = pgTable(
  'judgments',
  {
    id: id(),
    iterationId: ref('iteration_id')
      .notNull()
      .references(() => iterations.id, { onDelete: 'cascade' }),
    pairId: ref('pair_id')
      .notNull()
      .references(() => pairs.id, { onDelete: 'cascade' }),
    /** CHOSEN_FIRST (y_w shown as A) | CHOSEN_SECOND (y_w shown as B) */
    order: text('order').notNull(),
    sample: integer('sample').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    reasoning: text('reasoning').notNull(),
    /** A | B | TIE | UNPARSEABLE */
    verdict: text('verdict').notNull(),
    correct: boolean('correct').notNull(),
    selected: boolean('selected').notNull().default(false),
    finishReason: text('finish_reason'),
    model: text('model').notNull(),
    promptTokens: integer('prompt_tokens').notNull().default(0),
    completionTokens: integer('completion_tokens').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('judgments_natural_key').on(t.iterationId, t.pairId, t.order, t.sample),
    uniqueIndex('judgments_iteration_seq_key').on(t.iterationId, t.seq),
    // The training exports read an iteration's selected judgments (a few percent of its rows at
    // the paper's 15 samples per order) page by page.
    index('judgments_selected_idx').on(t.iterationId).where(sql`${t.selected}`),
    // No full-text index on `reasoning`: keeping one costs every stored judgment about 0.1 ms of
    // PostgreSQL CPU for to_tsvector (twice the rest of its insert), on the judge stage's hot path;
    // a search of the reasoning reads the iteration's judgments instead (db/search.ts).
    check('judgments_order_check', sql`${t.order} in ('CHOSEN_FIRST', 'CHOSEN_SECOND')`),
    check('judgments_verdict_check', sql`${t.verdict} in ('A', 'B', 'TIE', 'UNPARSEABLE')`),
  ],
);

export const stages = pgTable(
  'stages',
  {
    id: id(),
    /** Null only for an EVALUATE stage of a model evaluated outside any experiment. */
    experimentId: ref('experiment_id').references(() => experiments.id, { onDelete: 'cascade' }),
    iterationId: ref('iteration_id').references(() => iterations.id, { onDelete: 'cascade' }),
    evaluationId: ref('evaluation_id').references(() => evaluations.id, { onDelete: 'cascade' }),
    /** CATEGORIZE | GENERATE_PAIRS | JUDGE | SELECT | TRAIN | EVALUATE */
    kind: text('kind').notNull(),
    /** QUEUED | RUNNING | PAUSED | SUCCEEDED | FAILED | CANCELLED */
    status: text('status').notNull(),
    total: integer('total').notNull().default(0),
    done: integer('done').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    /**
     * Bumped each time the stage's work is queued anew (resume, budget raised, recovery): queue
     * jobs carry the epoch they were queued in, and a job of an older epoch neither runs nor writes.
     */
    epoch: integer('epoch').notNull().default(0),
    params: jsonb('params').notNull().default({}),
    /** Counts written by the stage (selection drops, unparseable, ...). */
    stats: jsonb('stats').notNull().default({}),
    promptTokens: bigint('prompt_tokens', { mode: 'number' }).notNull().default(0),
    completionTokens: bigint('completion_tokens', { mode: 'number' }).notNull().default(0),
    /** Free-text progress from long-running work (training job events). */
    message: text('message'),
    error: text('error'),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('stages_experiment_idx').on(t.experimentId),
    index('stages_iteration_idx').on(t.iterationId),
    index('stages_evaluation_idx').on(t.evaluationId),
  ],
);

export const benchmarks = pgTable('benchmarks', {
  id: id(),
  name: text('name').notNull().unique('benchmarks_name_key'),
  format: text('format').notNull(),
  size: integer('size').notNull(),
  createdAt: createdAt(),
});

export const benchmarkItems = pgTable(
  'benchmark_items',
  {
    id: id(),
    benchmarkId: ref('benchmark_id')
      .notNull()
      .references(() => benchmarks.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    subset: text('subset').notNull(),
    prompt: text('prompt').notNull(),
    /** sha256 of the normalised prompt: matched against instructions to keep benchmarks out of training. */
    promptHash: text('prompt_hash').notNull(),
    chosen: text('chosen').notNull(),
    rejected: text('rejected').notNull(),
    sourceId: text('source_id'),
    /** Labels beyond chosen / rejected: MT-Bench human votes (src/services/imports/mtbench-human.ts); null otherwise. */
    labels: jsonb('labels'),
  },
  (t) => [
    uniqueIndex('benchmark_items_position_key').on(t.benchmarkId, t.position),
    index('benchmark_items_prompt_hash_idx').on(t.promptHash),
  ],
);

export const evaluations = pgTable(
  'evaluations',
  {
    id: id(),
    benchmarkId: ref('benchmark_id')
      .notNull()
      .references(() => benchmarks.id, { onDelete: 'cascade' }),
    experimentId: ref('experiment_id').references(() => experiments.id, { onDelete: 'cascade' }),
    iterationId: ref('iteration_id').references(() => iterations.id, { onDelete: 'cascade' }),
    judgeModel: text('judge_model').notNull(),
    /** Resolved EvaluationOptions (src/services/evaluation/options.ts). */
    options: jsonb('options').notNull(),
    /** Copied from the EVALUATE stage when it finishes; the stage's own status is authoritative. */
    status: text('status').notNull(),
    /** Computed metrics (src/services/evaluation/results.ts), written by the stage's finishing transaction. */
    results: jsonb('results'),
    error: text('error'),
    createdAt: createdAt(),
  },
  (t) => [
    index('evaluations_benchmark_idx').on(t.benchmarkId),
    index('evaluations_experiment_idx').on(t.experimentId, t.iterationId),
    index('evaluations_iteration_idx').on(t.iterationId),
  ],
);

export const evaluationVerdicts = pgTable(
  'evaluation_verdicts',
  {
    id: id(),
    evaluationId: ref('evaluation_id')
      .notNull()
      .references(() => evaluations.id, { onDelete: 'cascade' }),
    itemId: ref('item_id')
      .notNull()
      .references(() => benchmarkItems.id, { onDelete: 'cascade' }),
    /** CHOSEN_FIRST (the better answer shown as A) | CHOSEN_SECOND */
    order: text('order').notNull(),
    sample: integer('sample').notNull(),
    /** A | B | TIE | UNPARSEABLE */
    verdict: text('verdict').notNull(),
    reasoning: text('reasoning').notNull(),
    finishReason: text('finish_reason'),
    promptTokens: integer('prompt_tokens').notNull().default(0),
    completionTokens: integer('completion_tokens').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('evaluation_verdicts_natural_key').on(t.evaluationId, t.itemId, t.order, t.sample),
    check('evaluation_verdicts_order_check', sql`${t.order} in ('CHOSEN_FIRST', 'CHOSEN_SECOND')`),
    check('evaluation_verdicts_verdict_check', sql`${t.verdict} in ('A', 'B', 'TIE', 'UNPARSEABLE')`),
  ],
);

/** Mutations run by operator and admin tokens (who, what, when, arguments without file contents), newest last. */
export const auditLog = pgTable('audit_log', {
  id: id(),
  /** The token's role and position in the configuration (`operator#2`), or `anonymous`; never the token. */
  actor: text('actor').notNull(),
  role: text('role').notNull(),
  /** The mutation field, e.g. `deleteExperiment`. */
  mutation: text('mutation').notNull(),
  /** Its arguments, with file contents and long texts replaced by their length. */
  arguments: jsonb('arguments').notNull(),
  /** `ok`, or the error code the caller got. */
  outcome: text('outcome').notNull(),
  createdAt: createdAt(),
});

export type ExperimentRow = typeof experiments.$inferSelect;
export type InstructionRow = typeof instructions.$inferSelect;
export type PairRow = typeof pairs.$inferSelect;
export type IterationRow = typeof iterations.$inferSelect;
export type JudgmentRow = typeof judgments.$inferSelect;
export type StageRow = typeof stages.$inferSelect;
export type BenchmarkRow = typeof benchmarks.$inferSelect;
export type BenchmarkItemRow = typeof benchmarkItems.$inferSelect;
export type EvaluationRow = typeof evaluations.$inferSelect;
export type EvaluationVerdictRow = typeof evaluationVerdicts.$inferSelect;
export type AuditLogRow = typeof auditLog.$inferSelect;

