import type { EventBus } from './events/bus.js';
import type { BenchmarkService } from './services/imports/benchmarks.js';
import type { EvaluationService } from './services/evaluation/evaluations.js';
import type { ExperimentService } from './services/experiments/experiments.js';
import type { ExportService } from './services/read/exports.js';
import type { LiveService } from './services/read/live.js';
import type { LoopService } from './services/loop/loop.js';
import type { PipelineService } from './services/loop/pipeline.js';
import type { QueryService } from './services/read/queries.js';
import type { ConnectionReads } from './services/read/connections.js';

/** Everything the GraphQL and HTTP layers may call. */
export type Services = {
  info: { database: string; endpoint: string; role: string; version: string };
  experiments: ExperimentService;
  pipeline: PipelineService;
  loop: LoopService;
  queries: QueryService;
  /** Pages and totals of client connections (totalCount, Benchmark.items, evaluations). */
  connections: ConnectionReads;
  live: LiveService;
  exports: ExportService;
  benchmarks: BenchmarkService;
  evaluations: EvaluationService;
  events: EventBus;
  /** Readiness checks: database and queue reachable. */
  health(): Promise<{ database: boolean; queue: boolean }>;
};
