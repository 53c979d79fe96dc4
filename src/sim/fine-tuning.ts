/**
 * Fine-tuning jobs: validating_files -> queued -> running -> succeeded (or failed / cancelled),
 * spread over `fineTuneMs`. The run fits the judge model to the uploaded judgments; the fitted
 * weights become the new model `ft:<base>:sim:<suffix>:<short hash>`.
 * Job ids and model names are functions of the request (base model, training file content, method,
 * hyper-parameters, suffix, seed), as the fit itself is: the same request trains the same model under
 * the same name, so a run repeated with one seed asks its later iterations the same questions.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FileStore } from './files.js';
import { badRequest, notFound } from './http.js';
import { fitJudge } from './judge-model.js';
import type { ModelRegistry } from './models.js';
import type { SimulatorOptions } from '../config/simulator.js';
import { mix32, seedTo32 } from './rng.js';
import type { StatsRecorder } from './stats.js';
import { parseTrainingFile, type TrainingMethod } from './training-data.js';
import { resolveHyperparameters, type Hyperparameters, type RequestedHyperparameters } from './hyperparameters.js';

export type JobStatus = 'validating_files' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export type FineTuningJob = {
  object: 'fine_tuning.job';
  id: string;
  model: string;
  created_at: number;
  finished_at: number | null;
  fine_tuned_model: string | null;
  organization_id: string;
  result_files: string[];
  status: JobStatus;
  validation_file: string | null;
  training_file: string;
  hyperparameters: Hyperparameters | RequestedHyperparameters;
  trained_tokens: number | null;
  error: { code: string; message: string; param: string | null } | null;
  user_provided_suffix: string | null;
  seed: number;
  estimated_finish: number | null;
  integrations: [];
  method: { type: TrainingMethod } & Partial<Record<TrainingMethod, { hyperparameters: Hyperparameters | RequestedHyperparameters }>>;
  metadata: Record<string, string> | null;
};

export type JobEvent = {
  object: 'fine_tuning.job.event';
  id: string;
  created_at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
  type: 'message' | 'metrics';
  data: Record<string, unknown>;
};

/** What `state.ts` saves of the jobs: each job with its events and request digest, and how often each digest was asked for (job ids derive from both). */
export type JobsSnapshot = { repeats: [string, number][]; jobs: { job: FineTuningJob; events: JobEvent[]; digest: string }[] };

type JobState = { job: FineTuningJob; events: JobEvent[]; timers: Set<NodeJS.Timeout>; digest: string };
type Page<T> = { object: 'list'; data: T[]; has_more: boolean };

const now = (): number => Math.floor(Date.now() / 1000);
const STEP_EVENTS = 10;

export class FineTuningJobs {
  private readonly jobs = new Map<string, JobState>();
  private readonly repeats = new Map<string, number>();

  constructor(
    private readonly files: FileStore,
    private readonly models: ModelRegistry,
    private readonly stats: StatsRecorder,
    private readonly options: () => SimulatorOptions,
    /** Called after every change of a job (each one adds an event): the state is saved then. */
    private readonly onChange: () => void = () => {},
  ) {}

  create(body: Record<string, unknown>): FineTuningJob {
    const { training_file: file, model, suffix, seed, metadata } = body;
    if (typeof file !== 'string' || !file) throw badRequest("Missing required parameter: 'training_file'.", 'training_file');
    if (typeof model !== 'string' || !model) throw badRequest("Missing required parameter: 'model'.", 'model');
    if (!this.models.has(model)) throw badRequest(`Model ${model} is not available for fine-tuning or does not exist.`, 'model', 'model_not_available');
    try {
      this.files.get(file);
    } catch {
      throw badRequest(`invalid training_file: ${file}`, 'training_file', 'invalid_training_file');
    }
    if (suffix !== undefined && suffix !== null && (typeof suffix !== 'string' || suffix.length > 64)) {
      throw badRequest('suffix must be a string of at most 64 characters.', 'suffix');
    }
    if (seed !== undefined && seed !== null && !Number.isSafeInteger(seed)) throw badRequest('seed must be an integer.', 'seed');
    const method = body.method as { type?: unknown } & Record<string, { hyperparameters?: unknown } | undefined> | undefined;
    const type = method?.type ?? 'supervised';
    if (type !== 'supervised' && type !== 'dpo') throw badRequest(`method.type must be "supervised" or "dpo", got ${JSON.stringify(type)}.`, 'method.type');
    const requested = (method?.[type]?.hyperparameters ?? body.hyperparameters ?? {}) as RequestedHyperparameters;
    const hyperparameters = resolveHyperparameters(requested); // throws a 400 on bad values

    const jobSeed = typeof seed === 'number' ? seed : null;
    const digest = createHash('sha256')
      .update(JSON.stringify([model, createHash('sha256').update(this.files.content(file)).digest('hex'), type, requested, suffix ?? null, jobSeed]))
      .digest('hex');
    // The same request twice is two jobs (ids stay unique) that train the same model name.
    const repeats = (this.repeats.get(digest) ?? 0) + 1;
    this.repeats.set(digest, repeats);
    const id = `ftjob-${digest.slice(0, 24)}${repeats > 1 ? `-${repeats}` : ''}`;
    const job: FineTuningJob = {
      object: 'fine_tuning.job',
      id,
      model,
      created_at: now(),
      finished_at: null,
      fine_tuned_model: null,
      organization_id: 'org-sim',
      result_files: [],
      status: 'validating_files',
      validation_file: null,
      training_file: file,
      hyperparameters,
      trained_tokens: null,
      error: null,
      user_provided_suffix: typeof suffix === 'string' ? suffix : null,
      seed: jobSeed ?? mix32(seedTo32(this.options().seed), Number.parseInt(digest.slice(0, 8), 16)) & 0x7fffffff,
      estimated_finish: null,
      integrations: [],
      method: { type, [type]: { hyperparameters } },
      metadata: metadata && typeof metadata === 'object' ? (metadata as Record<string, string>) : null,
    };
    const state: JobState = { job, events: [], timers: new Set(), digest };
    this.jobs.set(id, state);
    this.stats.fineTuning.jobs += 1;
    this.event(state, 'info', `Validating training file: ${file}`);
    const total = this.options().fineTuneMs;
    this.after(state, total * 0.1, () => this.validate(state, total));
    return { ...job };
  }

  private validate(state: JobState, total: number): void {
    const { job } = state;
    let text: string;
    try {
      text = this.files.content(job.training_file).toString('utf8');
    } catch {
      job.error = { code: 'invalid_training_file', message: `Training file ${job.training_file} was deleted.`, param: 'training_file' };
      this.finish(state, 'failed', job.error.message);
      return;
    }
    const parsed = parseTrainingFile(text, job.method.type);
    if (!parsed.ok) {
      job.error = { code: 'invalid_training_file', message: parsed.message, param: 'training_file' };
      this.finish(state, 'failed', `Training file validation failed: ${parsed.message}`);
      return;
    }
    const resolved = resolveHyperparameters(job.hyperparameters as RequestedHyperparameters, parsed.examples.length);
    job.hyperparameters = resolved;
    job.method = { type: job.method.type, [job.method.type]: { hyperparameters: resolved } };
    job.status = 'queued';
    this.event(state, 'info', `Files validated: ${parsed.examples.length} judge examples from ${parsed.lines} lines (${parsed.skipped} skipped), moving job to queued state`);
    this.after(state, total * 0.1, () => {
      job.status = 'running';
      this.event(state, 'info', 'Fine-tuning job started');
      const base = this.models.weights(job.model);
      if (!base) {
        job.error = { code: 'model_not_available', message: `Model ${job.model} no longer exists.`, param: 'model' };
        this.finish(state, 'failed', job.error.message);
        return;
      }
      const steps = resolved.n_epochs * 100;
      const fit = fitJudge(parsed.examples, base, {
        steps,
        batchSize: resolved.batch_size,
        learningRate: 0.5 * resolved.learning_rate_multiplier,
        l2: 1e-3,
        seed: job.seed,
      });
      const runMs = total * 0.8;
      for (let k = 1; k <= STEP_EVENTS; k += 1) {
        const step = Math.round((steps * k) / STEP_EVENTS);
        const lossValue = fit.losses[step - 1] ?? 0;
        this.after(state, (runMs * k) / STEP_EVENTS, () => {
          this.event(state, 'info', `Step ${step}/${steps}: training loss=${lossValue.toFixed(2)}`, 'metrics', {
            step,
            total_steps: steps,
            train_loss: lossValue,
          });
          if (k < STEP_EVENTS) return;
          const short = state.digest.slice(0, 8);
          const suffixPart = job.user_provided_suffix ? `${job.user_provided_suffix}:` : '';
          const name = `ft:${this.models.root(job.model)}:sim:${suffixPart}${short}`;
          this.models.addFineTuned(name, job.model, this.options().fineTuneLearns ? fit.weights : base, now());
          job.fine_tuned_model = name;
          job.trained_tokens = parsed.tokens * resolved.n_epochs;
          this.event(state, 'info', `New fine-tuned model created: ${name}`);
          this.finish(state, 'succeeded', 'The job has successfully completed');
        });
      }
    });
  }

  private finish(state: JobState, status: 'succeeded' | 'failed' | 'cancelled', message: string): void {
    for (const t of state.timers) clearTimeout(t);
    state.timers.clear();
    state.job.status = status;
    state.job.finished_at = now();
    this.stats.fineTuning[status] += 1;
    this.event(state, status === 'failed' ? 'error' : 'info', message);
  }

  private after(state: JobState, ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      state.timers.delete(timer);
      try {
        fn();
      } catch (error) {
        // A timer callback must never throw (it would take the process down): fail the job instead.
        state.job.error = { code: 'internal_error', message: `Simulator error: ${(error as Error).message}`, param: null };
        this.finish(state, 'failed', state.job.error.message);
      }
    }, ms);
    state.timers.add(timer);
  }

  private event(state: JobState, level: JobEvent['level'], message: string, type: JobEvent['type'] = 'message', data = {}): void {
    state.events.push({ object: 'fine_tuning.job.event', id: `ftevent-${randomBytes(12).toString('hex')}`, created_at: now(), level, message, type, data });
    this.onChange();
  }

  private state(id: string): JobState {
    const state = this.jobs.get(id);
    if (!state) throw notFound(`No fine-tuning job found with id ${id}`, 'fine_tune_not_found', 'fine_tuning_job_id');
    return state;
  }

  get(id: string): FineTuningJob {
    return { ...this.state(id).job };
  }

  cancel(id: string): FineTuningJob {
    const state = this.state(id);
    const { status } = state.job;
    if (status === 'succeeded' || status === 'failed' || status === 'cancelled') {
      throw badRequest(`Job ${id} has already ${status === 'cancelled' ? 'been cancelled' : status}.`, null, 'invalid_job_state');
    }
    this.finish(state, 'cancelled', 'Fine-tuning job cancelled');
    return { ...state.job };
  }

  /** Newest first, like OpenAI; `after` is the id of the last item of the previous page. */
  list(query: URLSearchParams): Page<FineTuningJob> {
    return paginate([...this.jobs.values()].reverse().map((s) => ({ ...s.job })), query);
  }

  events(id: string, query: URLSearchParams): Page<JobEvent> {
    return paginate([...this.state(id).events].reverse(), query);
  }

  snapshot(): JobsSnapshot {
    return { repeats: [...this.repeats], jobs: [...this.jobs.values()].map((s) => ({ job: s.job, events: s.events, digest: s.digest })) };
  }

  /**
   * Puts back saved jobs. A job that had not finished when the simulator stopped starts again from
   * validation: the fit is seeded by the job, so it yields the same model under the same name.
   */
  restore(snapshot: JobsSnapshot): void {
    for (const [digest, count] of snapshot.repeats ?? []) this.repeats.set(digest, count);
    for (const saved of snapshot.jobs) {
      const state: JobState = { job: saved.job, events: saved.events, timers: new Set(), digest: saved.digest ?? '' };
      this.jobs.set(saved.job.id, state);
      const { status } = saved.job;
      if (status === 'succeeded' || status === 'failed' || status === 'cancelled') continue;
      state.job.status = 'validating_files';
      this.event(state, 'info', 'The simulator restarted: the job starts again');
      const total = this.options().fineTuneMs;
      this.after(state, total * 0.1, () => this.validate(state, total));
    }
  }

  /** Stops every pending timer (jobs stay in their current state). */
  close(): void {
    for (const state of this.jobs.values()) {
      for (const t of state.timers) clearTimeout(t);
      state.timers.clear();
    }
  }
}

function paginate<T extends { id: string }>(items: T[], query: URLSearchParams): Page<T> {
  const limit = Math.max(1, Math.min(100, Number(query.get('limit') ?? 20) || 20));
  const after = query.get('after');
  const start = after ? items.findIndex((item) => item.id === after) + 1 : 0;
  const data = items.slice(start, start + limit);
  return { object: 'list', data, has_more: start + limit < items.length };
}
