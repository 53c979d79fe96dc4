import type { EventBus } from './events/bus.js';
import type { AuditService } from './services/audit.js';
import type { BenchmarkService } from './services/benchmarks.js';
import type { EvaluationService } from './services/evaluations.js';
import type { ExperimentService } from './services/experiments.js';
import type { ExportService } from './services/exports.js';
import type { LiveService } from './services/live.js';
import type { LoopService } from './services/loop.js';
import type { PipelineService } from './services/pipeline.js';
import type { QueryService } from './services/queries.js';

/** Everything the GraphQL and HTTP layers may call. */
export type Services = {
  info: { database: string; endpoint: string; role: string; version: string };
  experiments: ExperimentService;
  pipeline: PipelineService;
  loop: LoopService;
  queries: QueryService;
  live: LiveService;
  exports: ExportService;
  benchmarks: BenchmarkService;
  evaluations: EvaluationService;
  events: EventBus;
  /** The audit log of mutations by operator and admin tokens. */
  audit: AuditService;
  /** Readiness checks: database and queue reachable. */
  health(): Promise<{ database: boolean; queue: boolean }>;
};
