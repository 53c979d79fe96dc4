/**
 * The Batch API (/v1/batches): a batch reads its input file (purpose 'batch', one chat request a
 * line), stays `in_progress` for `batchMs`, then answers every line as POST /v1/chat/completions
 * would (the same deterministic answer for the same request) into an output file, and the lines
 * that failed into an error file. `batchErrorRate` sends a line to the error file with a 500;
 * `batchExpireRate` leaves a line unprocessed, and a batch with such lines ends `expired` (its
 * lines appear in the error file with code `batch_expired`, as OpenAI reports them). Draws are a
 * function of the simulator's seed, the batch's number and the line's custom_id.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SimulatorOptions } from '../config/simulator.js';
import type { FileStore } from './files.js';
import { badRequest, notFound } from './http.js';

export type BatchStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';

export type BatchObject = {
  id: string;
  object: 'batch';
  endpoint: string;
  errors: { object: 'list'; data: { code: string; message: string; line: number | null; param: string | null }[] } | null;
  input_file_id: string;
  completion_window: string;
  status: BatchStatus;
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  in_progress_at: number | null;
  expires_at: number;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  request_counts: { total: number; completed: number; failed: number };
  metadata: Record<string, string> | null;
};

/** What answering one line gives: the chat endpoint's status and JSON body. */
export type LineAnswer = { status: number; body: unknown };

export type BatchCounts = { created: number; completed: number; expired: number; cancelled: number; lines: number; errorLines: number; expiredLines: number };

type InputLine = { custom_id: string; body: Record<string, unknown> };
type BatchState = { batch: BatchObject; lines: InputLine[]; number: number; timer: NodeJS.Timeout | null };

const now = (): number => Math.floor(Date.now() / 1000);

/** A number in [0, 1) from the seed, the batch's number, the line's custom_id and what is drawn. */
function draw(seed: number, batch: number, customId: string, what: string): number {
  const digest = createHash('sha256').update(`${seed}:${batch}:${what}:${customId}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

export class BatchJobs {
  private readonly batches = new Map<string, BatchState>();
  readonly counts: BatchCounts = { created: 0, completed: 0, expired: 0, cancelled: 0, lines: 0, errorLines: 0, expiredLines: 0 };

  constructor(
    private readonly files: FileStore,
    private readonly answer: (body: Record<string, unknown>) => LineAnswer,
    private readonly options: () => SimulatorOptions,
  ) {}

  create(body: Record<string, unknown>): BatchObject {
    const { input_file_id: fileId, endpoint, completion_window: window, metadata } = body;
    if (typeof fileId !== 'string' || !fileId) throw badRequest("Missing required parameter: 'input_file_id'.", 'input_file_id');
    if (endpoint !== '/v1/chat/completions') throw badRequest(`Invalid value for 'endpoint': the simulator serves '/v1/chat/completions' only, got ${JSON.stringify(endpoint)}.`, 'endpoint', 'invalid_value');
    if (window !== '24h') throw badRequest("Invalid value for 'completion_window': only '24h' is supported.", 'completion_window', 'invalid_value');
    const file = this.files.get(fileId);
    if (file.purpose !== 'batch') throw badRequest(`File ${fileId} has purpose '${file.purpose}', not 'batch'.`, 'input_file_id', 'invalid_value');
    const { lines, errors } = this.parseInput(this.files.content(fileId).toString('utf8'));
    const created = now();
    this.counts.created += 1;
    const batch: BatchObject = {
      id: `batch_${randomBytes(12).toString('hex')}`,
      object: 'batch',
      endpoint: '/v1/chat/completions',
      errors: errors.length ? { object: 'list', data: errors } : null,
      input_file_id: fileId,
      completion_window: '24h',
      status: errors.length ? 'failed' : 'in_progress',
      output_file_id: null,
      error_file_id: null,
      created_at: created,
      in_progress_at: errors.length ? null : created,
      expires_at: created + 24 * 3600,
      finalizing_at: null,
      completed_at: null,
      failed_at: errors.length ? created : null,
      expired_at: null,
      cancelling_at: null,
      cancelled_at: null,
      request_counts: { total: lines.length, completed: 0, failed: 0 },
      metadata: metadata && typeof metadata === 'object' ? (metadata as Record<string, string>) : null,
    };
    const state: BatchState = { batch, lines, number: this.counts.created, timer: null };
    this.batches.set(batch.id, state);
    if (!errors.length) state.timer = setTimeout(() => this.finish(state), this.options().batchMs);
    return batch;
  }

  get(id: string): BatchObject {
    return this.stored(id).batch;
  }

  list(limit: number): { object: 'list'; data: BatchObject[]; has_more: boolean } {
    const all = [...this.batches.values()].map((s) => s.batch).reverse();
    return { object: 'list', data: all.slice(0, limit), has_more: all.length > limit };
  }

  /** Cancels a batch still running: no output (its lines were not answered). A finished batch is returned unchanged. */
  cancel(id: string): BatchObject {
    const state = this.stored(id);
    const { batch } = state;
    if (batch.status !== 'in_progress' && batch.status !== 'validating') return batch;
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
    batch.status = 'cancelled';
    batch.cancelling_at = batch.cancelled_at = now();
    this.counts.cancelled += 1;
    return batch;
  }

  close(): void {
    for (const state of this.batches.values()) if (state.timer) clearTimeout(state.timer);
  }

  private parseInput(text: string): { lines: InputLine[]; errors: { code: string; message: string; line: number | null; param: string | null }[] } {
    const lines: InputLine[] = [];
    const seen = new Set<string>();
    const errors: { code: string; message: string; line: number | null; param: string | null }[] = [];
    text.split('\n').forEach((raw, i) => {
      if (raw.trim() === '') return;
      let line: { custom_id?: unknown; method?: unknown; url?: unknown; body?: unknown };
      try {
        line = JSON.parse(raw) as typeof line;
      } catch {
        errors.push({ code: 'invalid_json_line', message: 'This line is not parseable as valid JSON.', line: i + 1, param: null });
        return;
      }
      if (typeof line.custom_id !== 'string' || seen.has(line.custom_id)) {
        errors.push({ code: 'duplicate_custom_id', message: 'custom_id must be a string unique within the batch.', line: i + 1, param: 'custom_id' });
        return;
      }
      if (line.method !== 'POST' || line.url !== '/v1/chat/completions' || !line.body || typeof line.body !== 'object') {
        errors.push({ code: 'invalid_request', message: "Each line needs method 'POST', url '/v1/chat/completions' and a body.", line: i + 1, param: null });
        return;
      }
      seen.add(line.custom_id);
      lines.push({ custom_id: line.custom_id, body: line.body as Record<string, unknown> });
    });
    if (lines.length === 0 && errors.length === 0) errors.push({ code: 'empty_file', message: 'The input file has no requests.', line: null, param: null });
    return { lines, errors };
  }

  private finish(state: BatchState): void {
    state.timer = null;
    const { batch } = state;
    const options = this.options();
    const output: string[] = [];
    const failed: string[] = [];
    let expired = 0;
    for (const line of state.lines) {
      const requestId = `req_sim_batch_${randomBytes(6).toString('hex')}`;
      this.counts.lines += 1;
      if (draw(options.seed, state.number, line.custom_id, 'expire') < options.batchExpireRate) {
        expired += 1;
        this.counts.expiredLines += 1;
        failed.push(JSON.stringify({ id: `batch_req_${randomBytes(8).toString('hex')}`, custom_id: line.custom_id, response: null, error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' } }));
        continue;
      }
      const answer: { status: number; body: unknown } = draw(options.seed, state.number, line.custom_id, 'error') < options.batchErrorRate
        ? { status: 500, body: { error: { message: 'The server had an error while processing your request (simulated).', type: 'server_error', param: null, code: null } } }
        : this.answer(line.body);
      const record = JSON.stringify({ id: `batch_req_${randomBytes(8).toString('hex')}`, custom_id: line.custom_id, response: { status_code: answer.status, request_id: requestId, body: answer.body }, error: null });
      if (answer.status === 200) output.push(record);
      else {
        this.counts.errorLines += 1;
        failed.push(record);
      }
    }
    const at = now();
    if (output.length) batch.output_file_id = this.files.create(`${batch.id}_output.jsonl`, 'batch_output', Buffer.from(`${output.join('\n')}\n`)).id;
    if (failed.length) batch.error_file_id = this.files.create(`${batch.id}_error.jsonl`, 'batch_output', Buffer.from(`${failed.join('\n')}\n`)).id;
    batch.request_counts = { total: state.lines.length, completed: output.length, failed: failed.length - expired };
    batch.finalizing_at = at;
    if (expired > 0) {
      batch.status = 'expired';
      batch.expired_at = at;
      this.counts.expired += 1;
    } else {
      batch.status = 'completed';
      batch.completed_at = at;
      this.counts.completed += 1;
    }
  }

  private stored(id: string): BatchState {
    const state = this.batches.get(id);
    if (!state) throw notFound(`No batch found with id '${id}'.`, 'batch_not_found', 'batch_id');
    return state;
  }
}
