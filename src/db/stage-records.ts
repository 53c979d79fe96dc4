/**
 * What stages record beside their results: usage per endpoint and model, failed items, training
 * jobs, Batch API batches and a stage's log. Part of the schema (schema.ts exports these too).
 */
import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, id, iterations, ref, stages } from './core-tables.js';

/**
 * A stage's tokens per endpoint, model and execution (ONLINE calls or BATCH API lines): what its cost
 * is computed from with the server's price table (src/services/stages/cost.ts). Added to in each
 * batch's commit, with the stage's own token counts.
 */
export const stageUsage = pgTable(
  'stage_usage',
  {
    stageId: ref('stage_id')
      .notNull()
      .references(() => stages.id, { onDelete: 'cascade' }),
    endpoint: text('endpoint').notNull(),
    model: text('model').notNull(),
    /** ONLINE | BATCH (the batch discount of the price table applies) */
    execution: text('execution').notNull(),
    promptTokens: bigint('prompt_tokens', { mode: 'number' }).notNull().default(0),
    completionTokens: bigint('completion_tokens', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    uniqueIndex('stage_usage_key').on(t.stageId, t.endpoint, t.model, t.execution),
    check('stage_usage_execution_check', sql`${t.execution} in ('ONLINE', 'BATCH')`),
  ],
);

/** Items of a stage that failed after every retry: the error and attempt count, kept until resumed. */
export const stageFailures = pgTable(
  'stage_failures',
  {
    stageId: ref('stage_id')
      .notNull()
      .references(() => stages.id, { onDelete: 'cascade' }),
    itemKey: text('item_key').notNull(),
    error: text('error').notNull(),
    attempts: integer('attempts').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('stage_failures_key').on(t.stageId, t.itemKey)],
);

/**
 * One row per training stage of an iteration (`training.stages`: SUPERVISED then DPO in the released
 * recipe), keyed by (iteration, stage_index): the provider's job of each stage is resumed, cancelled
 * and shown on its own. Rows written before stages existed are stage 0.
 */
export const trainingJobs = pgTable(
  'training_jobs',
  {
    id: id(),
    iterationId: ref('iteration_id')
      .notNull()
      .references(() => iterations.id, { onDelete: 'cascade' }),
    /** 0 for the first training stage of the iteration, 1 for the next (trained from stage 0's model). */
    stageIndex: integer('stage_index').notNull().default(0),
    /** openai | external */
    backend: text('backend').notNull(),
    /** supervised | dpo */
    method: text('method').notNull(),
    baseModel: text('base_model').notNull(),
    examples: integer('examples').notNull().default(0),
    fileId: text('file_id'),
    externalJobId: text('external_job_id'),
    status: text('status').notNull(),
    fineTunedModel: text('fine_tuned_model'),
    lastEvent: text('last_event'),
    error: text('error'),
    /** The endpoint where the trained model was loaded as a LoRA adapter (load_lora_adapter); null: not an adapter the service loaded. */
    adapterEndpoint: text('adapter_endpoint'),
    /** When the service unloaded that adapter again (unload_lora_adapter): it was no longer in use. */
    adapterUnloadedAt: timestamp('adapter_unloaded_at', { withTimezone: true, mode: 'date' }),
    /** WEBHOOK: SHA-256 (hex) of the token that downloads the training file and reports the model; the token itself is not kept. */
    callbackTokenHash: text('callback_token_hash'),
    /** WEBHOOK: when the download URL's token stops working. */
    tokenExpiresAt: timestamp('token_expires_at', { withTimezone: true, mode: 'date' }),
    /** WEBHOOK: a job with no report by then fails its stage. */
    deadlineAt: timestamp('deadline_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('training_jobs_iteration_stage_key').on(t.iterationId, t.stageIndex)],
);

/**
 * A Batch API batch a stage's queue job submitted (execution BATCH): found again by the job
 * (`jobKey`: the job's epoch and items), its round (0 first, then each re-send or follow-up
 * request) and its part (a round larger than the provider's limits is split), so that a job
 * retried after a crash polls the same provider batch instead of creating another.
 */
export const providerBatches = pgTable(
  'provider_batches',
  {
    id: id(),
    stageId: ref('stage_id')
      .notNull()
      .references(() => stages.id, { onDelete: 'cascade' }),
    jobKey: text('job_key').notNull(),
    round: integer('round').notNull(),
    part: integer('part').notNull(),
    /** The named endpoint the batch was sent to. */
    endpoint: text('endpoint').notNull(),
    lines: integer('lines').notNull(),
    inputFileId: text('input_file_id'),
    /** The provider's batch id; null until created. */
    batchId: text('batch_id'),
    /** uploading (recorded, not yet created) | the provider's last status (validating | in_progress | finalizing | completed | expired | cancelling | cancelled | failed) | lost (the provider answered 404 for it: its lines were sent again). */
    status: text('status').notNull(),
    outputFileId: text('output_file_id'),
    errorFileId: text('error_file_id'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('provider_batches_part_key').on(t.stageId, t.jobKey, t.round, t.part)],
);

/** Output of a stage's child process (a COMMAND trainer's stdout and stderr), line by line, in order of `id`. */
export const stageLogLines = pgTable(
  'stage_log_lines',
  {
    id: id(),
    stageId: ref('stage_id')
      .notNull()
      .references(() => stages.id, { onDelete: 'cascade' }),
    /** stdout | stderr */
    stream: text('stream').notNull(),
    line: text('line').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('stage_log_lines_stage').on(t.stageId, t.id)],
);

export type StageUsageRow = typeof stageUsage.$inferSelect;
export type TrainingJobRow = typeof trainingJobs.$inferSelect;
export type ProviderBatchRow = typeof providerBatches.$inferSelect;
export type StageLogLineRow = typeof stageLogLines.$inferSelect;
