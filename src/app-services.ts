import type { EventBus } from './events/bus.js';
import type { AuditService } from './services/admin/audit.js';
import type { BenchmarkService } from './services/imports/benchmarks.js';
import type { EvaluationService } from './services/evaluation/evaluations.js';
import type { ExperimentService } from './services/experiments/experiments.js';
import type { ExportService } from './services/read/exports.js';
import type { LiveService } from './services/read/live.js';
import type { LoopService } from './services/loop/loop.js';
import type { PipelineService } from './services/loop/pipeline.js';
import type { QueryService } from './services/read/queries.js';
import type { CostReads } from './services/read/costs.js';
import type { TrainingReports } from './services/training/webhook-reports.js';

export type ServerConfiguration = {
  endpoints: { name: string; baseUrl: string; concurrency: number; requestsPerMinute: number; tokensPerMinute: number; maxTokensParam: string; loraAdapters: boolean; unloadLoraAdapters: boolean }[];
  trainers: { name: string; type: string; hyperparameters: string[]; timeoutSeconds: number }[];
  prices: { endpoint: string; model: string; inputPerMillion: string; outputPerMillion: string; batchDiscount: string }[];
};
import type { ConnectionReads } from './services/read/connections.js';

/** Everything the GraphQL and HTTP layers may call. */
export type Services = {
  info: { database: string; endpoint: string; role: string; version: string };
  /** What the server's configuration names, for admins: endpoints and trainers, never keys or commands. */
  serverConfiguration: ServerConfiguration;
  experiments: ExperimentService;
  pipeline: PipelineService;
  loop: LoopService;
  queries: QueryService;
  /** Cost in money of stages, iterations and experiments (the price table). */
  costs: CostReads;
  /** Pages and totals of client connections (totalCount, Benchmark.items, evaluations). */
  connections: ConnectionReads;
  live: LiveService;
  exports: ExportService;
  benchmarks: BenchmarkService;
  evaluations: EvaluationService;
  events: EventBus;
  /** The audit log of mutations by operator and admin tokens. */
  audit: AuditService;
  /** A WEBHOOK trainer's download and report. */
  trainingReports: TrainingReports;
  /** Readiness checks: database and queue reachable. */
  health(): Promise<{ database: boolean; queue: boolean }>;
};
