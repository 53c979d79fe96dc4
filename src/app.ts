/**
 * Wires everything in one place: simulator (when no endpoint is set), database, events, queue,
 * llm client, services, workers and the HTTP server. Everything started is stopped in reverse
 * order by `stop()`.
 */
import path from 'node:path';
import type { Services } from './app-services.js';
import type { Config } from './config/index.js';
import { ConfigError, publicEndpoint } from './config/index.js';
import { inMemory, openDatabase } from './db/database.js';
import type { Database } from './db/database.js';
import { startEventBus } from './events/bus.js';
import { startMetricsServer } from './http/metrics.js';
import { Metrics } from './metrics/metrics.js';
import type { MetricsSnapshot } from './metrics/metrics.js';
import { bothObservers, startTracing, type Tracing } from './tracing/tracing.js';
// The HTTP server (Apollo, express, graphql, ws) is imported when an API is started, so that a
// worker (a --role worker process, the worker thread of --role all) does not load and hold it.
import type { HttpServer } from './http/server.js';
import { createEndpointClients } from './endpoints.js';
import type { Logger } from './logger.js';
import { startQueue } from './queue/queue.js';
import type { Queue } from './queue/queue.js';
import { AuditService } from './services/admin/audit.js';
import { BenchmarkService } from './services/imports/benchmarks.js';
import { categorizeStageHandler } from './services/stages/categorize.js';
import { evaluateStageHandler } from './services/stages/evaluate.js';
import { cancelOpenBatches } from './services/stages/execution.js';
import { EvaluationService } from './services/evaluation/evaluations.js';
import type { ExperimentConfig } from './services/experiments/config.js';
import { ExperimentService } from './services/experiments/experiments.js';
import { ExportService } from './services/read/exports.js';
import { judgeStageHandler } from './services/stages/judge.js';
import { LiveService } from './services/read/live.js';
import { LoopService } from './services/loop/loop.js';
import type { ControlJob } from './services/loop/loop.js';
import { generatePairsStageHandler } from './services/stages/generate-pairs.js';
import { PipelineService } from './services/loop/pipeline.js';
import { QueryService } from './services/read/queries.js';
import { ReasoningIndexes } from './services/read/reasoning-indexes.js';
import { CostReads } from './services/read/costs.js';
import { Pricing } from './services/stages/cost.js';
import { ConnectionReads } from './services/read/connections.js';
import { recoverStalledStages } from './services/stages/recovery.js';
import { StageRunner } from './services/stages/runner.js';
import { selectStageHandler } from './services/stages/select.js';
import { trainStageHandler } from './services/stages/train.js';
import { externalBackend } from './services/training/external.js';
import { openAiBackend } from './services/training/openai.js';
import { commandBackend } from './services/training/command.js';
import { webhookBackend } from './services/training/webhook.js';
import { AdapterService } from './services/training/adapters.js';
import { TrainingReports } from './services/training/webhook-reports.js';
import type { BatchJob } from './services/stages/runner.js';
import { startSimulator } from './sim/server.js';
import type { Simulator } from './sim/server.js';
import * as experimentsRepo from './db/experiments-repo.js';

export const VERSION = '0.1.0';

export type App = {
  /** GraphQL URL (http://host:port/graphql), or null for a worker-only process. */
  url: string | null;
  database: Database;
  services: Services;
  simulator: Simulator | null;
  metrics: Metrics;
  /** Has this app's idle queue workers of `queueName` look for jobs now (jobs another thread sent: worker-thread-main.ts). */
  wakeQueue(queueName: string): void;
  stop(): Promise<void>;
};

/** Options a test or benchmark may set beyond the environment. */
export type AppOverrides = {
  /** Seconds between loop sweeps. Default 10. */
  sweepSeconds?: number;
  /** Seconds between polls of a fine-tuning job. Default 5. */
  trainPollSeconds?: number;
  /** Seconds without progress after which a stage with items left but no queued work is queued anew. Default max(60, 2 x JOB_EXPIRE_SECONDS). */
  recoverAfterSeconds?: number;
  /** Set by src/worker-thread.ts when `--role all` runs its worker in a thread: which side this app is. */
  thread?: ThreadSide;
};

/**
 * `api`: the main thread's app, with the API and no queue workers; it uses the worker thread's
 * simulator (if any) and serves the worker's metrics with its own. `worker`: the thread's app, a
 * `--role worker` whose metrics leave the process-wide ones (and METRICS_PORT) to the API's.
 */
export type ThreadSide = { side: 'api'; simulatorUrl: string | null; workerMetrics: () => Promise<MetricsSnapshot>; wakeWorker: (queueName: string) => void } | { side: 'worker' };

type Stops = { name: string; stop: () => Promise<void> }[];

/** What every part of the app runs on, started in order (each registered in `stops`). */
type Infrastructure = {
  database: Database;
  simulator: Simulator | null;
  /** The simulator's URL: this app's or, in the API thread, the worker thread's; null when every endpoint is a real one. */
  simulatorUrl: string | null;
  llms: ReturnType<typeof createEndpointClients>;
  endpoints: (name: string) => ReturnType<ReturnType<typeof createEndpointClients>['get']>;
  events: Awaited<ReturnType<typeof startEventBus>>;
  queue: Queue;
};

export async function createApp(config: Config, logger: Logger, overrides: AppOverrides = {}): Promise<App> {
  const stops: Stops = [];
  const stopAll = async () => {
    for (const { name, stop } of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        logger.error({ err: error }, `stopping ${name} failed`);
      }
    }
    stops.length = 0;
  };
  try {
    refuseSplitRoleOnPglite(config);
    // Its gauges read the queue and the endpoints' limiters once those exist.
    // First, so that it is stopped last (its spans flushed after everything that makes them).
    const tracing = config.otlpEndpoint === null ? undefined : await startTracing(config.otlpEndpoint, `ste-${config.role}`);
    if (tracing) stops.push({ name: 'tracing', stop: () => tracing.shutdown() });
    const started: { infra?: Infrastructure } = {};
    // With the worker in a thread, each gauge is read on one side: the queue and the process on
    // the API's, the endpoints' limiters on the worker's (the one sending the stages' requests).
    const inThread = overrides.thread?.side === 'worker';
    const metrics = new Metrics({
      ...(!inThread && { queueDepth: async () => (started.infra ? started.infra.queue.depth() : {}) }),
      ...(overrides.thread?.side !== 'api' && { endpoints: () => started.infra?.llms.stats() ?? [] }),
      processMetrics: !inThread,
    });
    if (overrides.thread?.side === 'api') metrics.addPeer(overrides.thread.workerMetrics);
    const infra = await startInfrastructure(config, logger, stops, metrics, tracing, overrides.thread);
    started.infra = infra;
    if (config.metrics.port !== null && !inThread) {
      const server = await startMetricsServer(metrics, config.metrics.host, config.metrics.port, logger);
      stops.push({ name: 'metrics server', stop: () => server.stop() });
      logger.info({ url: server.url }, 'serving metrics');
    }
    const runner = createStageRunner(config, logger, infra, overrides, metrics, tracing);
    const { services, loop } = createServices(config, logger, infra, runner);

    let http: HttpServer | null = null;
    if (config.role !== 'worker') {
      const { startHttpServer } = await import('./http/server.js');
      http = await startHttpServer(services, logger, {
        host: config.host,
        port: config.port,
        production: config.production,
        limits: config.api,
        tokens: config.auth.tokens,
        access: config.access,
        configured: { endpoints: config.endpoints.length, trainers: config.trainers.length, prices: [...config.prices.values()].reduce((n, byModel) => n + byModel.size, 0) },
        metrics,
      });
      stops.push({ name: 'http server', stop: () => http!.stop() });
    }

    // Workers start only once the API is bound: a stage job that misbehaves after a restart can
    // never keep /healthz and the API from answering.
    if (config.role !== 'api' && overrides.thread?.side !== 'api') await startWorkers(config, logger, infra, runner, loop, overrides, stops);

    return { url: http?.url ?? null, database: infra.database, services, simulator: infra.simulator, metrics, wakeQueue: (name) => infra.queue.wake(name), stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function startInfrastructure(config: Config, logger: Logger, stops: Stops, metrics: Metrics, tracing: Tracing | undefined, thread: ThreadSide | undefined): Promise<Infrastructure> {
  // First: the data folder's lock decides whether this process may use the folder at all.
  const database = await openDatabase(config.database, { onStale: (message) => logger.warn(message) });
  stops.push({ name: 'database', stop: () => database.close() });

  let simulator: Simulator | null = null;
  // The API thread's app uses the worker thread's simulator: one simulator, whose models both see.
  const sharedSimulator = thread?.side === 'api' ? thread.simulatorUrl : null;
  if (config.endpoints.some((e) => e.baseURL === null) && sharedSimulator === null) {
    const started = await startSimulator({ ...config.simulator, stateDir: simulatorStateDir(config) });
    simulator = started;
    stops.push({ name: 'simulator', stop: () => started.close() });
    logger.warn({ url: started.url }, 'no OPENAI_BASE_URL set: using the built-in offline simulator (its numbers show the machinery, not model quality)');
  }

  // One client per named endpoint (STE_CONFIG; `default` is OPENAI_BASE_URL or the simulator).
  const simulatorUrl = simulator?.url ?? sharedSimulator;
  const llms = createEndpointClients(config.endpoints, simulatorUrl, logger, (name) => bothObservers(metrics.forEndpoint(name), tracing?.llmObserver(name)));
  stops.push({ name: 'llm clients', stop: () => llms.close() });

  const events = await startEventBus(database, logger);
  stops.push({ name: 'event bus', stop: () => events.stop() });

  const queue: Queue = await startQueue(
    database,
    config.database.kind === 'postgres' ? config.database.url : null,
    // The API thread's sends wake the worker thread's idle workers at once, as a send in one thread does.
    { expireSeconds: config.worker.jobExpireSeconds, pollingSeconds: config.worker.queuePollMs / 1_000, observer: metrics, ...(thread?.side === 'api' && { onSent: thread.wakeWorker }) },
    logger,
  );
  // On stop: no new jobs, no new LLM requests; requests in flight get the shutdown timeout, then
  // unfinished jobs go back to the queue for another worker.
  stops.push({ name: 'queue', stop: () => queue.stop(config.worker.shutdownTimeoutMs, () => llms.drain()) });
  return { database, simulator, simulatorUrl, llms, endpoints: (name: string) => llms.get(name), events, queue };
}

/** The stage runner with a handler for every stage kind, and TRAIN's backends. */
function createStageRunner(config: Config, logger: Logger, infra: Infrastructure, overrides: AppOverrides, metrics: Metrics, tracing: Tracing | undefined): StageRunner {
  const { database, queue, endpoints } = infra;
  const configCache = new Map<number, ExperimentConfig>();
  const experimentConfig = async (experimentId: number): Promise<ExperimentConfig> => {
    const cached = configCache.get(experimentId);
    if (cached) return cached;
    const experiment = await experimentsRepo.getExperiment(database.db, experimentId);
    if (!experiment) throw new Error(`experiment ${experimentId} is gone`);
    // Config is fixed at creation, so caching it is safe (tokenBudget can change: it is read from the row where it counts).
    configCache.set(experimentId, experiment.config as ExperimentConfig);
    return experiment.config as ExperimentConfig;
  };

  const runner = new StageRunner(database, queue, logger, { batchSize: config.worker.batchSize, maxFailureShare: config.worker.maxFailureShare, providerBatch: config.worker.providerBatch, defaultTokenBudget: config.worker.defaultTokenBudget, pricing: new Pricing(config.prices), observer: metrics, ...(tracing && { tracing }) });
  const handlerDeps = { db: database.db, endpoints, config: experimentConfig };
  // A stopped stage's Batch API batches stop billing too, whether or not a worker was polling them.
  runner.onFinished(async (stage) => {
    if (stage.status !== 'CANCELLED' && stage.status !== 'FAILED') return;
    await cancelOpenBatches(database.db, endpoints, stage.id, (err, batchId) => logger.warn({ err, stageId: stage.id, batchId }, 'could not cancel the provider batch of a stopped stage'));
  });
  const pollSeconds = overrides.trainPollSeconds ?? 5;
  runner.register(categorizeStageHandler(handlerDeps));
  runner.register(generatePairsStageHandler(handlerDeps));
  runner.register(judgeStageHandler(handlerDeps));
  runner.register(evaluateStageHandler(handlerDeps));
  runner.register(selectStageHandler(handlerDeps));
  runner.register(
    trainStageHandler({
      ...handlerDeps,
      backends: {
        OPENAI: openAiBackend(endpoints, pollSeconds),
        EXTERNAL: externalBackend(),
        COMMAND: commandBackend({
          trainers: config.trainers,
          trainingDir: config.trainingDir,
          logger,
          endpoints,
          loraEndpoints: config.endpoints.filter((e) => e.loraAdapters).map((e) => e.name),
        }),
        WEBHOOK: webhookBackend({ trainers: config.trainers, pollSeconds }),
      },
    }),
  );
  return runner;
}

/** Everything the GraphQL and HTTP layers may call, and the listeners that keep iterations and loops in step with stages. */
function createServices(config: Config, logger: Logger, infra: Infrastructure, runner: StageRunner): { services: Services; loop: LoopService } {
  const { database, queue, events, simulatorUrl } = infra;
  const pipeline = new PipelineService(database, runner);
  const benchmarks = new BenchmarkService(database);
  const evaluations = new EvaluationService(database, runner, benchmarks);
  const loop = new LoopService(database, queue, pipeline, logger, evaluations);
  runner.onFinished((stage) => pipeline.onStageFinished(stage));
  runner.onFinished((stage) => evaluations.onStageFinished(stage));
  const adapters = new AdapterService({
    db: database.db,
    endpoints: infra.endpoints,
    unloadOn: config.endpoints.filter((e) => e.loraAdapters && e.unloadLoraAdapters).map((e) => e.name),
    bestModel: async (experimentId) => (await loop.bestJudge(experimentId))?.best?.judgeModel ?? null,
    logger,
  });
  // Before the loop's listener: adapters no longer in use are unloaded before the loop's next step
  // loads another (a server holds a bounded number of them).
  runner.onFinished((stage) => adapters.onStageFinished(stage));
  runner.onFinished((stage) => loop.onStageFinished(stage));

  const defaultModel = (name: string | null, simName: string) => name ?? (simulatorUrl !== null ? simName : null);
  const exports = new ExportService(database);
  const services: Services = {
    serverConfiguration: serverConfiguration(config),
    info: {
      database: database.kind,
      endpoint: config.llm.baseURL ? publicEndpoint(config.llm.baseURL) : 'simulator',
      role: config.role,
      version: VERSION,
    },
    experiments: new ExperimentService(
      database,
      {
        generatorModel: defaultModel(config.models.generatorModel, 'sim-generator') ?? '',
        judgeModel: defaultModel(config.models.judgeModel, 'sim-judge') ?? '',
        configured: {
          endpoints: config.endpoints.map((e) => e.name),
          trainers: Object.fromEntries(config.trainers.map((t) => [t.name, { type: t.type, hyperparameters: t.hyperparameters }])),
        },
      },
      config.limits.maxInstructionLength,
    ),
    pipeline,
    loop,
    queries: new QueryService(database),
    costs: new CostReads(database, runner.pricing),
    connections: new ConnectionReads(database),
    live: new LiveService(database, events),
    exports,
    trainingReports: new TrainingReports(database, config.trainers, exports),
    benchmarks,
    evaluations,
    events,
    audit: new AuditService(database, logger),
    health: async () => ({ database: await database.ping(), queue: await queue.ping() }),
  };
  return { services, loop };
}

/** The configured endpoint and trainer names an admin may read (never keys, credentials or commands). */
function serverConfiguration(config: Config): Services['serverConfiguration'] {
  return {
    endpoints: config.endpoints.map((e) => ({
      name: e.name,
      baseUrl: e.baseURL ? publicEndpoint(e.baseURL) : 'simulator',
      concurrency: e.concurrency,
      requestsPerMinute: e.requestsPerMinute,
      tokensPerMinute: e.tokensPerMinute,
      maxTokensParam: e.maxTokensParam,
      loraAdapters: e.loraAdapters,
      unloadLoraAdapters: e.loraAdapters && e.unloadLoraAdapters,
    })),
    trainers: config.trainers.map((t) => ({ name: t.name, type: t.type, hyperparameters: t.hyperparameters, timeoutSeconds: t.timeoutSeconds })),
    prices: [...config.prices.values()].flatMap((byModel) =>
      [...byModel.values()].map((p) => ({ endpoint: p.endpoint, model: p.model, inputPerMillion: p.inputPerMillion, outputPerMillion: p.outputPerMillion, batchDiscount: p.batchDiscount })),
    ),
  };
}

/** The queue workers (stage batches, loop steps) and the periodic loop and recovery sweep. */
async function startWorkers(config: Config, logger: Logger, infra: Infrastructure, runner: StageRunner, loop: LoopService, overrides: AppOverrides, stops: Stops): Promise<void> {
  const { database, queue } = infra;
  await queue.work<BatchJob>('stage-batch', config.worker.jobConcurrency, (job, ctx) => runner.runBatch(job, ctx), {
    onGiveUp: (job, error) => runner.giveUp(job, error),
  });
  await queue.work<ControlJob>('stage-control', 4, async (job) => {
    // Jobs of other types were queued by a release that ran SELECT and TRAIN outside the stage
    // runner; the recovery sweep requeues their stages as batch jobs.
    if (job.type === 'advance-loop') await loop.advance(job.experimentId);
  });
  const sweepMs = (overrides.sweepSeconds ?? 10) * 1_000;
  const sweeper = setInterval(() => {
    loop.sweep().catch((error: unknown) => logger.error({ err: error }, 'loop sweep failed'));
    const quiet = overrides.recoverAfterSeconds ?? Math.max(60, 2 * config.worker.jobExpireSeconds);
    recoverStalledStages(database.db, queue, runner, logger, quiet).catch((error: unknown) => logger.error({ err: error }, 'stage recovery sweep failed'));
  }, sweepMs);
  sweeper.unref();
  // Stopped before the queue (registered later, stopped earlier): no sweep starts work on a closing queue.
  stops.push({ name: 'loop sweeper', stop: async () => clearInterval(sweeper) });
  // Full-text indexes of finished iterations' reasoning: swept as often; a build in progress is
  // cancelled at a stop (the next sweep of any worker builds it again).
  const reasoningIndexes = new ReasoningIndexes(database, config.worker.searchIndexMinJudgments, config.worker.searchIndexDelaySeconds, logger);
  if (reasoningIndexes.enabled) {
    const indexer = setInterval(() => {
      reasoningIndexes.sweep().catch((error: unknown) => logger.error({ err: error }, 'building a reasoning search index failed'));
    }, sweepMs);
    indexer.unref();
    stops.push({ name: 'reasoning search indexes', stop: async () => {
      clearInterval(indexer);
      await reasoningIndexes.stop();
    } });
  }
}

/** PGlite lives inside one process: an API process and a worker process cannot share it. */
function refuseSplitRoleOnPglite(config: Config): void {
  if (config.database.kind !== 'pglite' || config.role === 'all') return;
  throw new ConfigError(
    `--role ${config.role} needs a PostgreSQL server (DATABASE_URL): the embedded PGlite database lives inside one process and cannot be shared with another ` +
      '(run one process with --role all, the default; or set DATABASE_URL, example: DATABASE_URL=postgres://user:password@localhost:5432/ste npm start -- --role worker)',
  );
}

/**
 * Where the embedded simulator keeps its fine-tuned models, files and jobs: SIM_STATE_DIR, else
 * `simulator/` in the PGlite data folder (so the models the database names survive a restart and
 * are part of a backup), else nowhere (in memory).
 */
function simulatorStateDir(config: Config): string | null {
  if (config.simulator.stateDir) return config.simulator.stateDir;
  if (config.database.kind === 'pglite' && !inMemory(config.database.dataDir)) return path.join(config.database.dataDir, 'simulator');
  return null;
}
