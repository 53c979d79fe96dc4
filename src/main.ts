/**
 * `npm start [-- --role api|worker|all]`: starts the service. Bad configuration, an unreachable
 * database, a data folder held by another process or a port in use end the process with one
 * clear line and exit code 1. `--role all` on PostgreSQL runs its worker in a thread of its own
 * (worker-thread.ts; WORKER_THREAD).
 */
import { createApp } from './app.js';
import type { App } from './app.js';
import { loadConfig } from './config/index.js';
import type { Config } from './config/index.js';
import { createLogger } from './logger.js';
import type { Logger } from './logger.js';
import { startFailureLine } from './start-errors.js';
import { startWorkerThread, WorkerThreadStartError } from './worker-thread.js';
import type { WorkerThread } from './worker-thread.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    fail(error);
  }
  const logger = createLogger(config.logLevel);
  let app: App;
  let worker: WorkerThread | null = null;
  try {
    ({ app, worker } = await start(config, logger));
  } catch (error) {
    fail(error);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    Promise.all([app.stop(), worker?.stop()]).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // Every database call would fail from here on: end (releasing the data folder's lock in its exit
  // hook) so that a supervisor restarts the service, instead of serving errors.
  app.database.onLost((error) => {
    logger.fatal({ err: error }, 'the embedded database stopped');
    process.stderr.write(`self-taught-evaluator: the embedded database stopped (${error.message}); exiting\n`);
    process.exit(1);
  });

  // Announced only once the signal handlers are in place, so a supervisor that waits for this line can stop us cleanly.
  const where = app.url ? `GraphQL API at ${app.url} (WebSocket subscriptions on the same URL)` : 'worker started';
  const thread = worker ? '; worker: in a thread of its own' : '';
  logger.info({ role: config.role, database: app.database.kind, url: app.url, workerThread: worker !== null }, where);
  process.stdout.write(`self-taught-evaluator: ${where}; database: ${app.database.kind}; endpoint: ${app.services.info.endpoint}${thread}\n`);
}

/**
 * The app and, with WORKER_THREAD, the worker thread. As in one thread, the worker starts once the
 * API is bound (a port in use ends the start before any job is taken), except with the built-in
 * simulator, which the worker thread owns and the API then uses: the worker thread first.
 */
async function start(config: Config, logger: Logger): Promise<{ app: App; worker: WorkerThread | null }> {
  if (!config.worker.thread) return { app: await createApp(config, logger), worker: null };
  const startWorker = () =>
    startWorkerThread(logger, (error) => {
      logger.fatal({ err: error }, 'the worker thread ended');
      process.stderr.write(`self-taught-evaluator: the worker thread ${error.message}; exiting\n`);
      process.exit(1);
    });
  if (config.endpoints.every((e) => e.baseURL !== null)) {
    let worker: WorkerThread | null = null;
    const app = await createApp(config, logger, { thread: { side: 'api', simulatorUrl: null, workerMetrics: async () => (worker ? worker.metrics() : []), wakeWorker: (name) => worker?.wake(name) } });
    try {
      worker = await startWorker();
    } catch (error) {
      await app.stop();
      throw error;
    }
    return { app, worker };
  }
  const worker = await startWorker();
  try {
    const app = await createApp(config, logger, { thread: { side: 'api', simulatorUrl: worker.simulatorUrl, workerMetrics: () => worker.metrics(), wakeWorker: (name) => worker.wake(name) } });
    return { app, worker };
  } catch (error) {
    await worker.stop();
    throw error;
  }
}

function fail(error: unknown): never {
  process.stderr.write(`${error instanceof WorkerThreadStartError ? error.message : startFailureLine(error)}\n`);
  process.exit(1);
}

await main();
