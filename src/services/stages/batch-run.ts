/**
 * One queue job of a stage in execution BATCH (see execution.ts): its items' requests collected
 * round by round into Batch API batches, submitted or found again (provider_batches), polled,
 * and their output and error files ingested by custom_id, committing as it goes.
 */
import * as batchesRepo from '../../db/provider-batches-repo.js';
import type { ProviderBatchRow, StageRow } from '../../db/schema.js';
import * as stagesRepo from '../../db/stages-repo.js';
import type { BatchRetry, Execution } from '../../domain/vocabulary.js';
import { batchLine, LlmError, parseBatchResults } from '../../llm/index.js';
import type { Batch, BatchLineOutcome, ChatPort, ChatRequest, ChatResult, LlmClient } from '../../llm/index.js';
import { collectBatch, emptyCollected } from './batch.js';
import type { Collected, ItemResult } from './batch.js';
import type { BatchControl, BatchOutcome, ProviderBatchJob } from './handler.js';

/** Lines of an output file resolved before their results are committed (progress moves per chunk). */
const INGEST_CHUNK = 500;
/** Provider statuses after which a batch changes no more. */
const TERMINAL = new Set(['completed', 'expired', 'cancelled', 'failed']);

export type ItemsRun<T, R> = {
  stage: StageRow;
  execution: Execution;
  retry: BatchRetry;
  /** The endpoint's client, and its name (recorded with each provider batch). */
  llm: LlmClient;
  endpoint: string;
  /** The model every call goes to: with the endpoint and the execution, where its tokens are billed. */
  model: string;
  control: BatchControl;
  items: readonly T[];
  keyOf: (item: T) => string;
  /** One item's work: its calls go through `llm` (the client online, the batch stand-in in BATCH). */
  work: (item: T, signal: AbortSignal, llm: ChatPort) => Promise<ItemResult<R> | undefined>;
  /** The stage's write of collected results (called once online; per ingested chunk in BATCH). */
  outcome: (collected: Collected<R>) => BatchOutcome;
};


type Waiting = {
  customId: string;
  req: ChatRequest;
  /** Sends so far (batch lines and online calls). */
  attempts: number;
  lastError?: string;
  resolve(result: ChatResult): void;
  reject(error: unknown): void;
};

/** What ingesting needs of an ended batch. */
type Ended = Pick<Batch, 'output_file_id' | 'error_file_id' | 'errors'> & { status: string };
const LOST: Ended = { status: 'lost', output_file_id: undefined, error_file_id: undefined, errors: undefined };

const aborted = () => new LlmError('the stage stopped polling its batch', { kind: 'aborted', attempts: 0 });

export class BatchRun<T, R> {
  /** Billed as BATCH, but for the tokens of lines re-sent online (batchRetry ONLINE), told apart in `onlineSpent`. */
  private readonly collected: Collected<R>;
  /**
   * Tokens of online calls not yet matched with a commit: an item's tokens reach `collected` when
   * the item finishes, its online call's before, so each commit takes at most what it holds.
   */
  private readonly onlineSpent = { promptTokens: 0, completionTokens: 0 };
  /** Requests of items waiting for an answer, by custom_id. */
  private readonly waiting = new Map<string, Waiting>();
  private readonly calls = new Map<string, number>();
  /** Items started and not finished. */
  private active = 0;
  private onSettled: (() => void) | undefined;

  constructor(
    private readonly p: ItemsRun<T, R>,
    private readonly job: ProviderBatchJob,
  ) {
    this.collected = { ...emptyCollected<R>({ endpoint: p.endpoint, model: p.model, execution: 'BATCH' }), stored: [] };
  }

  async run(): Promise<BatchOutcome> {
    const { p } = this;
    const all = collectBatch(
      p.items,
      p.keyOf,
      p.control,
      async (item, signal) => {
        this.active += 1;
        try {
          return await p.work(item, signal, this.port(p.keyOf(item)));
        } finally {
          this.active -= 1;
          this.check();
        }
      },
      this.collected,
    );
    try {
      for (let round = 0; ; ) {
        await this.settled();
        // An endpoint's refusal (collectBatch's `fatal`) stops the job: the runner fails the stage with it.
        // A worker that is stopping (SIGTERM) hands the job back at once: the next one polls the same batches.
        if (this.active === 0 || !p.control.active() || this.collected.fatal !== undefined) break;
        const lines = [...this.waiting.values()];
        // ONLINE retries go first: the requests that follow from their answers then join the next batch.
        const retries = p.retry === 'ONLINE' ? lines.filter((w) => w.attempts > 0) : [];
        // A stage cancelled, paused or queued anew since this job started sends nothing more (its
        // batch may have ended 'cancelled' before this job's watch saw the stage stop).
        if (!(await this.stageRuns())) break;
        if (retries.length > 0) await this.sendOnline(retries);
        else {
          await this.runRound(round++, lines);
          if (!p.control.active()) break;
          await this.giveUpOnExhausted(lines);
        }
        if (!(await this.commitSoFar())) break;
      }
    } finally {
      // Whatever still waits (a stop, a cancel) is neither result nor failure: the items are queued again.
      for (const w of this.waiting.values()) w.reject(aborted());
      this.waiting.clear();
    }
    await all;
    const rest = this.take();
    return p.outcome({ ...rest, fatal: this.collected.fatal });
  }

  private async stageRuns(): Promise<boolean> {
    const now = await stagesRepo.getStage(this.job.db, this.p.stage.id);
    return now !== undefined && (now.status === 'RUNNING' || now.status === 'QUEUED') && now.epoch === this.p.stage.epoch;
  }

  /** The chat stand-in of one item: each call becomes a line of the next round. */
  private port(key: string): ChatPort {
    return {
      chat: (req) =>
        new Promise<ChatResult>((resolve, reject) => {
          if (this.p.control.signal.aborted) {
            reject(aborted());
            return;
          }
          const call = this.calls.get(key) ?? 0;
          this.calls.set(key, call + 1);
          const customId = `${key}#${call}`;
          this.waiting.set(customId, { customId, req, attempts: 0, resolve, reject });
          this.check();
        }),
    };
  }

  private check(): void {
    if (this.onSettled && this.waiting.size >= this.active) {
      const settle = this.onSettled;
      this.onSettled = undefined;
      settle();
    }
  }

  /** Resolves once every unfinished item waits for an answer (or none is left). */
  private settled(): Promise<void> {
    return new Promise((resolve) => {
      this.onSettled = resolve;
      this.check();
    });
  }

  private take(): Collected<R> {
    // `fatal` stays: the job's final outcome carries it to the runner.
    const usage = { ...this.collected.usage };
    const online = {
      promptTokens: Math.min(this.onlineSpent.promptTokens, usage.promptTokens),
      completionTokens: Math.min(this.onlineSpent.completionTokens, usage.completionTokens),
    };
    this.onlineSpent.promptTokens -= online.promptTokens;
    this.onlineSpent.completionTokens -= online.completionTokens;
    if (online.promptTokens + online.completionTokens > 0) usage.online = online;
    this.collected.usage.promptTokens = 0;
    this.collected.usage.completionTokens = 0;
    return { rows: this.collected.rows.splice(0), failures: this.collected.failures.splice(0), usage, stored: this.collected.stored?.splice(0) ?? [] };
  }

  /** Commits what finished items gave since the last commit; false when the stage no longer runs. */
  private async commitSoFar(): Promise<boolean> {
    await this.settled();
    if (this.collected.rows.length === 0 && this.collected.failures.length === 0) return true;
    const part = this.take();
    return this.job.commit(this.p.outcome(part), part.stored ?? []);
  }

  private async sendOnline(lines: Waiting[]): Promise<void> {
    await Promise.all(
      lines.map(async (w) => {
        this.waiting.delete(w.customId);
        w.attempts += 1;
        try {
          const result = await this.p.llm.chat({ ...w.req, signal: this.p.control.signal });
          this.onlineSpent.promptTokens += result.usage.promptTokens;
          this.onlineSpent.completionTokens += result.usage.completionTokens;
          w.resolve(result);
        } catch (error) {
          w.reject(error);
        }
      }),
    );
  }

  /** Lines of this round left without an answer: sent again next round, or failed once out of sends. */
  private async giveUpOnExhausted(sent: Waiting[]): Promise<void> {
    for (const w of sent) {
      if (!this.waiting.has(w.customId) || w.attempts < this.job.maxAttempts) continue;
      this.waiting.delete(w.customId);
      w.reject(new LlmError(`batch line ${w.customId} got no answer in ${w.attempts} sends; last: ${w.lastError ?? 'no result line'}`, { kind: 'transient', attempts: w.attempts }));
    }
  }

  /** Submits (or finds again) this round's batches, polls them to their end and ingests their files. */
  private async runRound(round: number, lines: Waiting[]): Promise<void> {
    const parts = await this.submit(round, lines);
    for (const w of lines) w.attempts += 1;
    for (const part of parts) {
      const batch = await this.poll(part);
      if (!batch) return;
      await this.ingest(part, batch);
    }
    for (const w of lines) if (this.waiting.has(w.customId)) w.lastError ??= 'no result line (the batch expired or was cancelled before it)';
  }

  private async submit(round: number, lines: Waiting[]): Promise<ProviderBatchRow[]> {
    const { p, job } = this;
    const existing = await batchesRepo.roundBatches(job.db, p.stage.id, job.jobKey, round);
    const created = existing.filter((row) => row.batchId !== null);
    if (created.length > 0 && created.length === existing.length) return existing; // a retried job: poll what was submitted
    const limits = p.llm.batchLimits();
    const param = p.llm.maxTokensParam();
    const files: string[][] = [];
    let current: string[] = [];
    let bytes = 0;
    for (const w of lines) {
      const line = batchLine(w.customId, w.req, param);
      const size = Buffer.byteLength(line);
      if (current.length > 0 && (current.length >= limits.maxLines || bytes + size > limits.maxBytes)) {
        files.push(current);
        current = [];
        bytes = 0;
      }
      current.push(line);
      bytes += size;
    }
    if (current.length) files.push(current);
    const rows: ProviderBatchRow[] = [];
    for (const [part, content] of files.entries()) {
      let row = await batchesRepo.insertBatchPart(job.db, { stageId: p.stage.id, jobKey: job.jobKey, round, part, endpoint: p.endpoint, lines: content.length });
      if (row.batchId === null) {
        const inputFileId = row.inputFileId ?? (await p.llm.uploadFile(`ste-stage${p.stage.id}-r${round}-p${part}.jsonl`, content.join(''), 'batch')).id;
        if (row.inputFileId === null) await batchesRepo.updateBatchPart(job.db, row.id, { inputFileId });
        const batch = await p.llm.createBatch(inputFileId, { stage: String(p.stage.id), job: job.jobKey, round: String(round), part: String(part) });
        await batchesRepo.updateBatchPart(job.db, row.id, { batchId: batch.id, status: batch.status });
        row = { ...row, inputFileId, batchId: batch.id, status: batch.status };
      }
      rows.push(row);
    }
    return rows;
  }

  /** Polls a batch to its end; undefined when the job stopped first (a stopped stage's batch is cancelled). */
  private async poll(row: ProviderBatchRow): Promise<Ended | undefined> {
    const { p, job } = this;
    for (;;) {
      let batch: Batch;
      try {
        batch = await p.llm.retrieveBatch(row.batchId!);
      } catch (error) {
        if (!(error instanceof LlmError && error.status === 404)) throw error;
        // The provider no longer knows the batch (deleted, or a simulator restarted without its state): its lines are sent again.
        await batchesRepo.updateBatchPart(job.db, row.id, { status: 'lost' });
        return LOST;
      }
      if (batch.status !== row.status) {
        await batchesRepo.updateBatchPart(job.db, row.id, { status: batch.status, outputFileId: batch.output_file_id ?? null, errorFileId: batch.error_file_id ?? null });
        row = { ...row, status: batch.status };
      }
      if (TERMINAL.has(batch.status)) return batch;
      if (!p.control.active()) return undefined;
      try {
        await sleep(job.pollMs, p.control.signal);
      } catch {
        await this.cancelIfStopped(row);
        return undefined;
      }
    }
  }

  /** A job that stops because its stage was cancelled, paused or failed cancels the provider batch; one whose worker stops leaves it for the next worker. */
  private async cancelIfStopped(row: ProviderBatchRow): Promise<void> {
    const stage = await stagesRepo.getStage(this.job.db, this.p.stage.id);
    if (stage && (stage.status === 'RUNNING' || stage.status === 'QUEUED')) return;
    const batch = await this.p.llm.cancelBatch(row.batchId!);
    await batchesRepo.updateBatchPart(this.job.db, row.id, { status: batch.status });
  }

  private async ingest(row: ProviderBatchRow, batch: Ended): Promise<void> {
    const results: BatchLineOutcome[] = [];
    if (batch.output_file_id) results.push(...parseBatchResults(await this.p.llm.fileContent(batch.output_file_id)));
    if (batch.error_file_id) results.push(...parseBatchResults(await this.p.llm.fileContent(batch.error_file_id)));
    if (batch.status === 'failed') {
      // The provider refused the input file itself: no send of these lines can do better.
      const reason = batch.errors?.data?.map((e) => `${e.code ?? ''}: ${e.message ?? ''}${e.line ? ` (line ${e.line})` : ''}`).join('; ') || 'no reason given';
      for (const w of [...this.waiting.values()]) w.lastError = `batch ${row.batchId} failed: ${reason}`;
    }
    for (let i = 0; i < results.length; i += INGEST_CHUNK) {
      for (const result of results.slice(i, i + INGEST_CHUNK)) this.answer(result);
      if (!(await this.commitSoFar())) return;
    }
  }

  private answer(result: BatchLineOutcome): void {
    const w = this.waiting.get(result.customId);
    if (!w) return; // an item stored before (a retried job), or a line of an older send
    if (!result.ok) {
      w.lastError = result.error;
      // A request the endpoint refuses as such (400, 401, 404, 422) fails the same way every time.
      const permanent = result.status !== null && result.status >= 400 && result.status < 500 && result.status !== 408 && result.status !== 409 && result.status !== 429;
      if (permanent) {
        this.waiting.delete(w.customId);
        w.reject(new LlmError(result.error, { kind: 'permanent', status: result.status!, attempts: w.attempts }));
      }
      return;
    }
    this.waiting.delete(w.customId);
    const n = w.req.n ?? 1;
    if (result.choices.length < n) {
      w.reject(new LlmError(`the batch answered ${result.choices.length} of the ${n} choices asked for (the endpoint does not honour n in batches)`, { kind: 'permanent', attempts: w.attempts }));
      return;
    }
    w.resolve({ choices: result.choices.slice(0, n), usage: result.usage, requests: 1, attempts: w.attempts, model: result.model || w.req.model });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
