/**
 * `npm start [-- --role api|worker|all]`: starts the service. Bad configuration, an unreachable
 * database, a data folder held by another process or a port in use end the process with one
 * clear line and exit code 1.
 */
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config/index.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { DatabaseUnavailableError } from './db/database.js';
import { ListenError } from './http/server.js';
import { createLogger } from './logger.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    fail(error);
  }
  const logger = createLogger(config.logLevel);
  let app;
  try {
    app = await createApp(config, logger);
  } catch (error) {
    fail(error);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    app.stop().then(
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
  logger.info({ role: config.role, database: app.database.kind, url: app.url }, where);
  process.stdout.write(`self-taught-evaluator: ${where}; database: ${app.database.kind}; endpoint: ${app.services.info.endpoint}\n`);
}

function fail(error: unknown): never {
  const known =
    error instanceof ConfigError || error instanceof DatabaseUnavailableError || error instanceof DataDirLockedError || error instanceof ListenError;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`self-taught-evaluator: ${known ? message : `failed to start: ${message}`}\n`);
  process.exit(1);
}

await main();
