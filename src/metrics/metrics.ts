/**
 * Prometheus metrics: the one module that imports prom-client. Every room reports through a small
 * observer interface of its own (llm's LlmObserver, the stage runner's, the queue's, the WebSocket
 * server's); app.ts hands them this object, which satisfies them all. One registry per app, so
 * several apps in one process (tests) keep their own counts. Served by GET /metrics (http/metrics.ts).
 * A worker in a thread of its own (src/worker-thread.ts) keeps its own registry, without the
 * process metrics and queue depth the API's already report; the API's `text()` adds its counts.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Gauges read when scraped: queue depth and each endpoint's limiter. */
export type MetricsSources = {
  queueDepth?: () => Promise<Record<string, number>>;
  endpoints?: () => Array<{ endpoint: string; inFlight: number; queued: number; concurrencyLimit: number }>;
  /** Process metrics (CPU, memory, event-loop lag...): default true; false in a worker thread (its process reports them). */
  processMetrics?: boolean;
};

/** A registry's metrics as plain data (prom-client's JSON form), to cross a thread. */
export type MetricsSnapshot = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const COMMIT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Metrics {
  readonly registry = new Registry();
  private readonly stageItems = new Counter({ name: 'ste_stage_items_total', help: 'Stage items accounted for, by stage kind and outcome (done: stored, failed: failed after every retry).', labelNames: ['kind', 'outcome'], registers: [this.registry] });
  private readonly llmLatency = new Histogram({ name: 'ste_llm_request_duration_seconds', help: 'Duration of each HTTP attempt to a model endpoint, by endpoint and model.', labelNames: ['endpoint', 'model'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly llmResponses = new Counter({ name: 'ste_llm_responses_total', help: 'HTTP attempts to model endpoints by status (the HTTP status, or timeout / network).', labelNames: ['endpoint', 'status'], registers: [this.registry] });
  private readonly llmRetries = new Counter({ name: 'ste_llm_retries_total', help: 'Attempts sent again after a failure, by reason (rate_limited: a 429; error: any other transient failure).', labelNames: ['endpoint', 'reason'], registers: [this.registry] });
  private readonly rateLimitWait = new Counter({ name: 'ste_llm_rate_limit_wait_seconds_total', help: 'Seconds requests waited after 429s before trying again.', labelNames: ['endpoint'], registers: [this.registry] });
  private readonly tokens = new Counter({ name: 'ste_tokens_total', help: 'Tokens written with stage results, by endpoint, model and type (prompt / completion).', labelNames: ['endpoint', 'model', 'type'], registers: [this.registry] });
  private readonly cost = new Counter({ name: 'ste_cost_usd_total', help: 'Cost of the tokens written with stage results, in USD (priced usage only).', labelNames: ['endpoint', 'model'], registers: [this.registry] });
  private readonly commitWait = new Histogram({ name: 'ste_stage_batch_commit_wait_seconds', help: 'Time a batch waited for its turn to commit (the commits of a stage take turns on the rows every batch updates), by stage kind.', labelNames: ['kind'], buckets: COMMIT_BUCKETS, registers: [this.registry] });
  private readonly commitTransaction = new Histogram({ name: 'ste_stage_batch_commit_seconds', help: "Time of a batch's commit transaction (its results and the stage's counts, retries included), by stage kind.", labelNames: ['kind'], buckets: COMMIT_BUCKETS, registers: [this.registry] });
  private readonly commitGroups = new Histogram({ name: 'ste_stage_commit_batches', help: 'Batches one commit transaction wrote (batches ready while the commits of their stage were busy are written together), by stage kind.', labelNames: ['kind'], buckets: [1, 2, 4, 8, 16], registers: [this.registry] });
  private readonly leaseReclaims = new Counter({ name: 'ste_queue_lease_reclaims_total', help: 'Jobs handed out again because their worker stopped renewing its lease.', registers: [this.registry] });
  private readonly wsConnections = new Gauge({ name: 'ste_websocket_connections', help: 'Open GraphQL WebSocket connections.', registers: [this.registry] });
  private readonly wsSlowCloses = new Counter({ name: 'ste_websocket_slow_consumer_closes_total', help: 'WebSocket connections closed as slow consumers (4290).', registers: [this.registry] });

  private readonly peers: Array<() => Promise<MetricsSnapshot>> = [];

  constructor(sources: MetricsSources = {}) {
    // Process metrics, event-loop lag (nodejs_eventloop_lag_seconds) among them.
    if (sources.processMetrics !== false) collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
    else this.threadLag();
    const { queueDepth, endpoints } = sources;
    if (queueDepth) {
      new Gauge({
        name: 'ste_queue_depth',
        help: 'Jobs waiting in the queue, by queue.',
        labelNames: ['queue'],
        registers: [this.registry],
        async collect() {
          for (const [queue, n] of Object.entries(await queueDepth())) this.set({ queue }, n);
        },
      });
    }
    if (endpoints) {
      const read = (field: 'inFlight' | 'queued' | 'concurrencyLimit') =>
        function collect(this: Gauge) {
          for (const e of endpoints()) this.set({ endpoint: e.endpoint }, e[field]);
        };
      new Gauge({ name: 'ste_llm_in_flight', help: 'Chat requests in flight, by endpoint.', labelNames: ['endpoint'], registers: [this.registry], collect: read('inFlight') });
      new Gauge({ name: 'ste_llm_queued', help: 'Chat requests waiting for the endpoint limiter, by endpoint.', labelNames: ['endpoint'], registers: [this.registry], collect: read('queued') });
      new Gauge({ name: 'ste_llm_concurrency_limit', help: 'Requests the adaptive limiter allows in flight now, by endpoint.', labelNames: ['endpoint'], registers: [this.registry], collect: read('concurrencyLimit') });
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The event-loop lag of a worker thread (the process metrics' nodejs_eventloop_lag_* are the main thread's). */
  private threadLag(): void {
    const delay = monitorEventLoopDelay({ resolution: 20 });
    delay.enable();
    new Gauge({
      name: 'ste_worker_thread_eventloop_lag_seconds',
      help: "Event-loop lag of the worker thread of --role all since the last scrape, by quantile (p50, p99, max).",
      labelNames: ['quantile'],
      registers: [this.registry],
      collect() {
        if (delay.count > 0) {
          this.set({ quantile: 'p50' }, delay.percentile(50) / 1e9);
          this.set({ quantile: 'p99' }, delay.percentile(99) / 1e9);
          this.set({ quantile: 'max' }, delay.max / 1e9);
        }
        delay.reset();
      },
    });
  }

  /** Every metric: this registry's, plus the peers' (counters and histograms summed by labels). */
  async text(): Promise<string> {
    if (this.peers.length === 0) return this.registry.metrics();
    const [own, ...others] = await Promise.all([this.snapshot(), ...this.peers.map((read) => read())]);
    // A metric only this registry has is passed on as it is: prom-client's aggregators would
    // otherwise drop some (process_start_time_seconds is `omit`) or average others.
    const shared = new Set(others.flat().map((metric) => metric.name));
    const mine = own!.map((metric) => (shared.has(metric.name) ? metric : { ...metric, aggregator: 'first' as const }));
    return AggregatorRegistry.aggregate([mine, ...others]).metrics();
  }

  snapshot(): Promise<MetricsSnapshot> {
    return this.registry.getMetricsAsJSON();
  }

  /** Adds another registry's counts to `text()`: the worker thread's (src/worker-thread.ts). */
  addPeer(read: () => Promise<MetricsSnapshot>): void {
    this.peers.push(read);
  }

  // ---- llm (LlmObserver, per endpoint: see `forEndpoint`) ----

  /** The observer of one endpoint's client. */
  forEndpoint(endpoint: string) {
    return {
      attempt: (o: { model: string | undefined }) => (outcome: { status: string; seconds: number }) => {
        this.llmLatency.observe({ endpoint, model: o.model ?? '' }, outcome.seconds);
        this.llmResponses.inc({ endpoint, status: outcome.status });
      },
      retry: (o: { rateLimited: boolean; waitMs: number }) => {
        this.llmRetries.inc({ endpoint, reason: o.rateLimited ? 'rate_limited' : 'error' });
        if (o.rateLimited) this.rateLimitWait.inc({ endpoint }, o.waitMs / 1000);
      },
    };
  }

  // ---- stages (StageObserver) ----

  batchCommitted(o: {
    kind: string;
    done: number;
    failed: number;
    commit: { waitSeconds: number; transactionSeconds: number };
    usage?: { endpoint: string; model: string; promptTokens: number; completionTokens: number; usd: number | null };
  }): void {
    this.commitWait.observe({ kind: o.kind }, o.commit.waitSeconds);
    this.commitTransaction.observe({ kind: o.kind }, o.commit.transactionSeconds);
    if (o.done - o.failed > 0) this.stageItems.inc({ kind: o.kind, outcome: 'done' }, o.done - o.failed);
    if (o.failed > 0) this.stageItems.inc({ kind: o.kind, outcome: 'failed' }, o.failed);
    const u = o.usage;
    if (!u) return;
    if (u.promptTokens > 0) this.tokens.inc({ endpoint: u.endpoint, model: u.model, type: 'prompt' }, u.promptTokens);
    if (u.completionTokens > 0) this.tokens.inc({ endpoint: u.endpoint, model: u.model, type: 'completion' }, u.completionTokens);
    if (u.usd !== null && u.usd > 0) this.cost.inc({ endpoint: u.endpoint, model: u.model }, u.usd);
  }

  commitGrouped(o: { kind: string; batches: number }): void {
    this.commitGroups.observe({ kind: o.kind }, o.batches);
  }

  // ---- queue (QueueObserver) ----

  leasesReclaimed(n: number): void {
    if (n > 0) this.leaseReclaims.inc(n);
  }

  // ---- WebSocket server ----

  wsOpened(): void {
    this.wsConnections.inc();
  }

  wsClosed(): void {
    this.wsConnections.dec();
  }

  wsSlowConsumer(): void {
    this.wsSlowCloses.inc();
  }
}
