import type { BatchCounts } from './batches.js';
/** Counters and a bounded request log, so tests can match what a client stored with what was injected. */
import { PROMPT_KINDS, type PromptKind } from './prompt-kind.js';

export type RequestOutcome = 'ok' | 'error500' | 'timeout' | 'rate_limited' | 'bad_request' | 'not_found' | 'unauthorized' | 'quota_exceeded';

export type RequestLogEntry = {
  /** 1-based order of arrival among chat requests. */
  seq: number;
  kind: PromptKind;
  model: string;
  /** `requestHash(model, messages)`: sha1 hex of JSON of [model, [[role, content], ...]]. */
  hash: string;
  /** Arrival time, epoch ms (matched against when a client stored the result, for example). */
  at: number;
  /** Choices asked for (`n`). */
  n: number;
  /** Choices returned (0 unless ok). */
  choices: number;
  seed: number | null;
  outcome: RequestOutcome;
  /** Choices with an injected unparseable output (judge, modify, categorize). */
  malformed: number;
  /** Choices cut by an injected truncation (not counting `max_tokens` cuts). */
  truncated: number;
};

export type FaultCounts = { errors500: number; timeouts: number; rateLimited: number; malformed: number; truncated: number };

export type SimulatorStats = {
  /** Chat completion requests, by prompt kind and by outcome. */
  requests: { total: number; byKind: Record<PromptKind, number>; byOutcome: Record<RequestOutcome, number> };
  /** Choices returned over all ok chat requests. */
  choices: number;
  faults: FaultCounts;
  fineTuning: { jobs: number; succeeded: number; failed: number; cancelled: number };
  /** Batch API batches: created and how they ended, lines answered, sent to the error file, left unprocessed by an expiry. */
  batches: BatchCounts;
  files: number;
  /** Chat requests currently in flight (including held timeouts). */
  inFlight: number;
  /** The last `logRequests` chat requests, oldest first. */
  log: RequestLogEntry[];
  /** Entries that fell out of the bounded log. */
  logDropped: number;
  /** Every HTTP request by route ("GET /v1/models", "POST /v1/chat/completions", ...), whatever its answer. */
  routes: Record<string, number>;
};

const OUTCOMES: readonly RequestOutcome[] = ['ok', 'error500', 'timeout', 'rate_limited', 'bad_request', 'not_found', 'unauthorized', 'quota_exceeded'];

export class StatsRecorder {
  private requests = 0;
  private readonly byKind = Object.fromEntries(PROMPT_KINDS.map((k) => [k, 0])) as Record<PromptKind, number>;
  private readonly byOutcome = Object.fromEntries(OUTCOMES.map((k) => [k, 0])) as Record<RequestOutcome, number>;
  private choices = 0;
  readonly faults: FaultCounts = { errors500: 0, timeouts: 0, rateLimited: 0, malformed: 0, truncated: 0 };
  readonly fineTuning = { jobs: 0, succeeded: 0, failed: 0, cancelled: 0 };
  files = 0;
  batches: () => BatchCounts = () => ({ created: 0, completed: 0, expired: 0, cancelled: 0, lines: 0, errorLines: 0, expiredLines: 0 });
  private readonly routes: Record<string, number> = {};
  private ring: RequestLogEntry[] = [];
  private next = 0;
  private dropped = 0;

  constructor(private capacity: number) {}

  setCapacity(capacity: number): void {
    if (capacity === this.capacity) return;
    const ordered = this.orderedLog();
    const kept = capacity === 0 ? [] : ordered.slice(Math.max(0, ordered.length - capacity));
    this.dropped += ordered.length - kept.length;
    this.ring = kept;
    this.next = 0;
    this.capacity = capacity;
  }

  /** Counts one HTTP request by its route (ids left out: "GET /v1/models/{id}"). */
  route(route: string): void {
    this.routes[route] = (this.routes[route] ?? 0) + 1;
  }

  /** Records one chat request; returns its sequence number. */
  record(entry: Omit<RequestLogEntry, 'seq'>): number {
    this.requests += 1;
    const seq = this.requests;
    this.byKind[entry.kind] += 1;
    this.byOutcome[entry.outcome] += 1;
    this.choices += entry.choices;
    this.faults.malformed += entry.malformed;
    this.faults.truncated += entry.truncated;
    if (entry.outcome === 'error500') this.faults.errors500 += 1;
    else if (entry.outcome === 'timeout') this.faults.timeouts += 1;
    else if (entry.outcome === 'rate_limited') this.faults.rateLimited += 1;
    if (this.capacity > 0) {
      const full: RequestLogEntry = { seq, ...entry };
      if (this.ring.length < this.capacity) this.ring.push(full);
      else {
        this.ring[this.next] = full;
        this.next = (this.next + 1) % this.capacity;
        this.dropped += 1;
      }
    }
    return seq;
  }

  private orderedLog(): RequestLogEntry[] {
    return this.ring.length < this.capacity ? [...this.ring] : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  snapshot(inFlight: number): SimulatorStats {
    return {
      requests: { total: this.requests, byKind: { ...this.byKind }, byOutcome: { ...this.byOutcome } },
      choices: this.choices,
      faults: { ...this.faults },
      fineTuning: { ...this.fineTuning },
      batches: { ...this.batches() },
      files: this.files,
      inFlight,
      log: this.orderedLog().map((e) => ({ ...e })),
      logDropped: this.dropped,
      routes: { ...this.routes },
    };
  }
}
