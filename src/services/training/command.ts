/**
 * COMMAND: a trainer named in the server's configuration file (STE_CONFIG `trainers`) runs as a
 * child process of the worker that holds the TRAIN stage's queue job, for as long as it takes.
 *
 * - Its argv is the configured template with the placeholders filled in, each inside its own argv
 *   entry, never through a shell: {trainingFile} (the iteration's export, in the TRL format of the
 *   experiment's method), {outputDir}, {baseModel}, {iteration} (the index t), {method} (sft|dpo),
 *   {hyperparameters} (a JSON object of the experiment's hyper-parameters: only the keys the trainer
 *   lists in the file are accepted at createExperiment).
 * - Environment: STE_ITERATION_ID, STE_EXPERIMENT_ID, STE_TRAINING_STAGE (0 for the first of
 *   `training.stages`); for a DPO stage STE_DPO_CONFIG, a JSON file with the loss settings (beta,
 *   nll_scale: dpoSettings). Each training stage has its own folder; a DPO stage after SFT gets the
 *   SFT stage's model as {baseModel}.
 * - stdout and stderr go to the stage's log (`Stage.log`), the last line to its message.
 * - The outcome: exit code 0 and `{outputDir}/result.json` = {"model": "<served model name>"}
 *   (optionally "adapterPath", relative to {outputDir}); anything else fails the stage with the reason
 *   and the last stderr lines. With an adapter and a `trained` endpoint configured with
 *   `loraAdapters`, the adapter is loaded there under the model's name (vLLM's load_lora_adapter)
 *   before the iteration gets its trained model; with two training stages only the last stage's
 *   (the judge's), the SFT adapter being the DPO stage's base on disk.
 * - Cancel, shutdown, a lost lease or the configured timeout stop the trainer's whole process group.
 *   A worker that dies mid-training leaves the stage to the runner's lease reclaim: the next worker
 *   stops the trainer left running (its pid is on the training job) and runs the command again with
 *   the same output folder, where the trainer may resume from its own checkpoint.
 */
import { hostname } from 'node:os';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import type { CommandTrainer as TrainerSpec, TrainerSpec as AnyTrainer } from '../../config/index.js';
import * as stageLogsRepo from '../../db/stage-logs-repo.js';
import type { NewLogLine } from '../../db/stage-logs-repo.js';
import * as trainingRepo from '../../db/training-repo.js';
import type { Logger } from '../../logger.js';
import { TrainingError } from './backend.js';
import type { TrainingBackend, TrainingResult, TrainingRun } from './backend.js';
import { startChild, stopLeftover } from './child.js';
import { dpoSettings } from './training-data.js';
import { endpointRoles } from '../stages/endpoints.js';
import type { Endpoints } from '../stages/endpoints.js';

export type CommandDeps = {
  trainers: readonly AnyTrainer[];
  trainingDir: string;
  logger: Logger;
  endpoints: Endpoints;
  /** Endpoints that load LoRA adapters at run time (`loraAdapters` in the configuration file). */
  loraEndpoints: readonly string[];
};

/** The file a trainer writes in {outputDir} when it has a model. */
export const RESULT_FILE = 'result.json';
/** Log lines stored per run at most (a chatty trainer cannot fill the database). */
const MAX_LOG_LINES = 20_000;
const FLUSH_MS = 500;

export function commandBackend(deps: CommandDeps): TrainingBackend {
  return {
    async train(run, control): Promise<TrainingResult> {
      const trainer = deps.trainers.find((t): t is TrainerSpec => t.type === 'COMMAND' && t.name === run.config.training.trainer);
      if (!trainer) throw new TrainingError(`no trainer named "${run.config.training.trainer ?? ''}" in the server's configuration file`);
      // One folder per training stage (the first keeps the single-stage name).
      const dir = path.join(deps.trainingDir, `iteration-${run.iteration.id}${run.stageIndex === 0 ? '' : `-stage-${run.stageIndex + 1}`}`);
      const files = { trainingFile: path.join(dir, `${run.format}.jsonl`), outputDir: path.join(dir, 'output') };
      await stopLeftoverTrainer(run, files.trainingFile, deps.logger);
      const examples = await writeTrainingFile(run, files.trainingFile);
      const dpoConfig = run.method === 'dpo' ? path.join(dir, 'dpo-config.json') : null;
      if (dpoConfig) await writeFile(dpoConfig, `${JSON.stringify(dpoSettings(run.config))}\n`);
      await mkdir(files.outputDir, { recursive: true });
      await rm(path.join(files.outputDir, RESULT_FILE), { force: true });
      const argv = fillTemplate(trainer.command, {
        '{trainingFile}': files.trainingFile,
        '{outputDir}': files.outputDir,
        '{baseModel}': run.baseModel,
        '{iteration}': String(run.iteration.index),
        '{method}': run.method === 'dpo' ? 'dpo' : 'sft',
        '{hyperparameters}': JSON.stringify(run.config.training.hyperparameters ?? {}),
      });
      const outcome = await runTrainer(run, trainer, argv, dir, control.signal, examples, dpoConfig);
      const result = await readResult(files.outputDir, trainer, outcome);
      const endpoint = endpointRoles(run.config).trained;
      // Only the last training stage's model judges: an earlier stage's adapter (SFT before DPO) is
      // the next stage's base, read by the trainer from disk, and would only hold a slot on the server.
      const judging = run.stageIndex === run.stageCount - 1;
      const adapterPath = judging && deps.loraEndpoints.includes(endpoint) ? result.adapterPath : undefined;
      if (adapterPath !== undefined) {
        await run.report(`loading adapter ${result.model} on endpoint ${endpoint}`);
        await deps.endpoints(endpoint).loadLoraAdapter(result.model, adapterPath);
      }
      await trainingRepo.updateTrainingJob(run.db, run.job, {
        status: 'succeeded',
        fineTunedModel: result.model,
        // Marks an adapter this service loaded: unloaded again once no longer in use (adapters.ts).
        adapterEndpoint: adapterPath !== undefined ? endpoint : null,
      });
      return { model: result.model, examples };
    },
  };
}

/** Each argv entry with its placeholders replaced: one entry stays one argument, whatever a value holds. */
export function fillTemplate(template: readonly string[], values: Record<string, string>): string[] {
  return template.map((arg) => arg.replace(/\{[A-Za-z]+\}/g, (found) => values[found] ?? found));
}

export async function writeTrainingFile(run: TrainingRun, file: string): Promise<number> {
  await mkdir(path.dirname(file), { recursive: true });
  const out = createWriteStream(file);
  let examples = 0;
  for await (const line of run.lines()) {
    examples += 1;
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  if (examples === 0) throw new TrainingError('no training examples: selection kept no judgment (see the SELECT stage stats)');
  return examples;
}

/** A trainer that an earlier (dead) worker started for this iteration on this host is stopped before running it again. */
async function stopLeftoverTrainer(run: TrainingRun, trainingFile: string, logger: Logger): Promise<void> {
  const job = await trainingRepo.getTrainingJob(run.db, run.job);
  const match = /^pid:(\d+)@(.+)$/.exec(job?.externalJobId ?? '');
  if (!match || match[2] !== hostname() || job?.status !== 'running') return;
  if (await stopLeftover(Number(match[1]), trainingFile)) {
    logger.warn({ iterationId: run.iteration.id, pid: Number(match[1]) }, 'stopped a trainer left running by a worker that died; running it again');
  }
}

type TrainerOutcome = { code: number | null; signal: NodeJS.Signals | null; stderr: string[] };

async function runTrainer(run: TrainingRun, trainer: TrainerSpec, argv: string[], cwd: string, signal: AbortSignal, examples: number, dpoConfig: string | null): Promise<TrainerOutcome> {
  const log = new LogWriter(run);
  const stderr: string[] = [];
  let child;
  try {
    child = await startChild(argv, {
      cwd,
      env: {
        STE_ITERATION_ID: String(run.iteration.id),
        STE_EXPERIMENT_ID: String(run.iteration.experimentId),
        STE_TRAINING_STAGE: String(run.stageIndex),
        ...(dpoConfig ? { STE_DPO_CONFIG: dpoConfig } : {}),
      },
      onLine: (stream, line) => {
        if (stream === 'stderr' && stderr.push(line) > 20) stderr.shift();
        log.add({ stream, line });
      },
    });
  } catch (error) {
    throw new TrainingError(`trainer ${trainer.name} could not start ${JSON.stringify(argv[0])}: ${(error as Error).message}`);
  }
  await trainingRepo.upsertTrainingJob(run.db, {
    ...run.job,
    backend: 'COMMAND',
    method: run.method,
    baseModel: run.baseModel,
    examples,
    externalJobId: `pid:${child.pid}@${hostname()}`,
    status: 'running',
  });
  await run.report(`trainer ${trainer.name} running (pid ${child.pid}) on ${examples} examples`);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void child.stop();
  }, trainer.timeoutSeconds * 1_000);
  const onAbort = () => void child.stop();
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  try {
    const outcome = await child.done;
    await log.close();
    if (signal.aborted) {
      await trainingRepo.updateTrainingJob(run.db, run.job, { status: 'stopped' });
      const error = new Error('training stopped');
      error.name = 'AbortError';
      throw error;
    }
    if (timedOut) throw await failed(run, `trainer ${trainer.name} ran longer than its ${trainer.timeoutSeconds} s (timeoutSeconds) and was stopped`);
    return { ...outcome, stderr };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

async function readResult(outputDir: string, trainer: TrainerSpec, outcome: TrainerOutcome): Promise<{ model: string; adapterPath?: string }> {
  const tail = outcome.stderr.length ? `; last stderr lines:\n${outcome.stderr.slice(-5).join('\n')}` : '';
  if (outcome.code !== 0) throw new TrainingError(`trainer ${trainer.name} exited with ${outcome.code === null ? `signal ${outcome.signal}` : `code ${outcome.code}`}${tail}`);
  let result: unknown;
  try {
    result = JSON.parse(await readFile(path.join(outputDir, RESULT_FILE), 'utf8'));
  } catch (error) {
    throw new TrainingError(`trainer ${trainer.name} exited with code 0 but left no readable ${RESULT_FILE} in its output folder: ${(error as Error).message}${tail}`);
  }
  const model = (result as { model?: unknown } | null)?.model;
  if (typeof model !== 'string' || !model.trim() || model.length > 256) {
    throw new TrainingError(`trainer ${trainer.name}: ${RESULT_FILE} must be {"model": "<served model name of 1 to 256 characters>"}`);
  }
  const adapterPath = (result as { adapterPath?: unknown }).adapterPath;
  if (adapterPath !== undefined && (typeof adapterPath !== 'string' || !adapterPath)) throw new TrainingError(`trainer ${trainer.name}: ${RESULT_FILE} "adapterPath" must be a path`);
  return { model: model.trim(), ...(adapterPath ? { adapterPath: path.resolve(outputDir, adapterPath) } : {}) };
}

async function failed(run: TrainingRun, message: string): Promise<TrainingError> {
  await trainingRepo.updateTrainingJob(run.db, run.job, { status: 'failed', error: message });
  return new TrainingError(message);
}

/** Stores a run's output lines in batches (every FLUSH_MS) and shows the last one as the stage's message. */
class LogWriter {
  private pending: NewLogLine[] = [];
  private stored = 0;
  private flushing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly run: TrainingRun) {
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
  }

  add(line: NewLogLine): void {
    if (this.stored + this.pending.length < MAX_LOG_LINES) this.pending.push(line);
  }

  private flush(): Promise<void> {
    const lines = this.pending;
    if (lines.length === 0) return this.flushing;
    this.pending = [];
    this.stored += lines.length;
    const last = lines[lines.length - 1]!.line;
    // One write at a time, in order; a failed write loses those lines, not the training.
    this.flushing = this.flushing
      .then(() => stageLogsRepo.appendLogLines(this.run.db, this.run.stage.id, lines))
      .then(() => this.run.report(last.slice(0, 500)))
      .catch(() => undefined);
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.stored + this.pending.length >= MAX_LOG_LINES) this.pending.push({ stream: 'stderr', line: `(log cut at ${MAX_LOG_LINES} lines)` });
    await this.flush();
  }
}
