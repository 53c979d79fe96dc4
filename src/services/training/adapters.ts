/**
 * Unloading LoRA adapters that are no longer in use (vLLM's `POST /v1/unload_lora_adapter`), on the
 * endpoints configured with `loraAdapters` and `unloadLoraAdapters` (the default). A server holds a
 * bounded number of adapters (vLLM's --max-loras, and GPU memory), and a loop loads one per
 * iteration.
 *
 * The rule, applied to one experiment each time one of its TRAIN or EVALUATE stages ends: an
 * adapter the service loaded for an iteration of the experiment (COMMAND backend, `adapterPath` in
 * the result) is unloaded unless it is
 * - the newest trained judge of the experiment (the next iteration's judge),
 * - the judge of an iteration that has not ended (running, or waiting for its model),
 * - the experiment's best judge on its validation benchmarks (Experiment.bestIteration), or
 * - the judge of an evaluation that has not ended (queued, running or paused), of any experiment.
 * An unloaded adapter is marked on its training job and never loaded again by the service: a later
 * evaluation of that judge fails at its stage's model check with the endpoint's message (load it
 * again by hand, or set `unloadLoraAdapters: false` to keep every adapter). A failed unload is
 * logged and tried again at the next stage end; an adapter the server no longer knows (404, or
 * vLLM's older 400 "cannot be found", e.g. after a restart) counts as unloaded.
 */
import type { Db } from '../../db/database.js';
import * as evaluationsRepo from '../../db/evaluations-repo.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import * as trainingRepo from '../../db/training-repo.js';
import type { StageRow } from '../../db/schema.js';
import { LlmError } from '../../llm/index.js';
import type { Logger } from '../../logger.js';
import type { Endpoints } from '../stages/endpoints.js';

export type AdapterDeps = {
  db: Db;
  endpoints: Endpoints;
  /** The endpoints configured with both `loraAdapters` and `unloadLoraAdapters`. */
  unloadOn: readonly string[];
  /** The model of the experiment's best judge on its validation benchmarks, or null. */
  bestModel: (experimentId: number) => Promise<string | null>;
  logger: Logger;
};

const ENDED_ITERATION = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export class AdapterService {
  private readonly running = new Map<number, Promise<string[]>>();

  constructor(private readonly deps: AdapterDeps) {}

  /** A stage-finished listener: applies the rule to the stage's experiment after a TRAIN or EVALUATE. */
  async onStageFinished(stage: StageRow): Promise<void> {
    if (stage.experimentId === null || (stage.kind !== 'TRAIN' && stage.kind !== 'EVALUATE')) return;
    await this.unloadUnused(stage.experimentId);
  }

  /** Unloads the experiment's adapters that the rule no longer keeps; returns their model names. One pass per experiment at a time. */
  unloadUnused(experimentId: number): Promise<string[]> {
    const previous = this.running.get(experimentId) ?? Promise.resolve([]);
    const next = previous.catch(() => []).then(() => this.pass(experimentId));
    this.running.set(experimentId, next);
    void next.finally(() => {
      if (this.running.get(experimentId) === next) this.running.delete(experimentId);
    }).catch(() => undefined);
    return next;
  }

  private async pass(experimentId: number): Promise<string[]> {
    const { db } = this.deps;
    const loaded = (await trainingRepo.loadedAdapters(db, experimentId)).filter((a) => this.deps.unloadOn.includes(a.endpoint));
    if (loaded.length === 0) return [];
    const keep = await this.inUse(experimentId, loaded.map((a) => a.model));
    const unloaded: string[] = [];
    for (const adapter of loaded) {
      if (keep.has(adapter.model)) continue;
      try {
        await this.deps.endpoints(adapter.endpoint).unloadLoraAdapter(adapter.model);
      } catch (error) {
        if (!gone(error)) {
          this.deps.logger.warn({ err: error, experimentId, model: adapter.model, endpoint: adapter.endpoint }, 'could not unload an adapter no longer in use; trying again after the next stage');
          continue;
        }
      }
      await trainingRepo.markAdapterUnloaded(db, adapter.jobId);
      this.deps.logger.info({ experimentId, model: adapter.model, endpoint: adapter.endpoint }, 'unloaded an adapter no longer in use');
      unloaded.push(adapter.model);
    }
    return unloaded;
  }

  /** The models among `models` that the rule keeps loaded. */
  private async inUse(experimentId: number, models: readonly string[]): Promise<Set<string>> {
    const iterations = (await experimentsRepo.listIterations(this.deps.db, [experimentId])).sort((a, b) => a.index - b.index);
    const keep = new Set<string>();
    const newest = iterations.filter((i) => i.trainedModel).at(-1)?.trainedModel;
    if (newest) keep.add(newest);
    for (const it of iterations) if (!ENDED_ITERATION.has(it.status)) keep.add(it.judgeModel);
    const best = await this.deps.bestModel(experimentId);
    if (best) keep.add(best);
    for (const model of await evaluationsRepo.modelsOfActiveEvaluations(this.deps.db, models)) keep.add(model);
    return keep;
  }
}

/** The server does not know the adapter (unloaded already, or the server restarted). */
function gone(error: unknown): boolean {
  return error instanceof LlmError && (error.status === 404 || (error.status === 400 && /cannot be found|not found/i.test(error.message)));
}
