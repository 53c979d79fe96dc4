/**
 * The worker thread of `--role all` on PostgreSQL (see worker-thread.ts): a `--role worker` app,
 * with the environment of the process, answering the main thread's requests for its metrics and
 * its stop.
 */
import { parentPort } from 'node:worker_threads';
import { createApp } from './app.js';
import type { App } from './app.js';
import { loadConfig } from './config/index.js';
import { createLogger } from './logger.js';
import { startFailureLine } from './start-errors.js';
import type { FromWorker, ToWorker } from './worker-thread.js';

const port = parentPort;
if (!port) throw new Error('worker-thread-main runs as the worker thread of --role all (src/worker-thread.ts)');
const say = (message: FromWorker) => port.postMessage(message);

let app: App;
try {
  const config = loadConfig(process.env, ['--role', 'worker']);
  const logger = createLogger(config.logLevel).child({ thread: 'worker' });
  app = await createApp(config, logger, { thread: { side: 'worker' } });
} catch (error) {
  say({ type: 'failed', line: startFailureLine(error) });
  process.exit(1);
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'metrics') {
    app.metrics.snapshot().then(
      (snapshot) => say({ type: 'metrics', id: message.id, snapshot }),
      (error: unknown) => say({ type: 'metrics', id: message.id, error: error instanceof Error ? error.message : String(error) }),
    );
  } else if (message.type === 'wake') {
    app.wakeQueue(message.queueName);
  } else if (message.type === 'stop') {
    app.stop().then(
      () => {
        say({ type: 'stopped' });
        process.exit(0);
      },
      (error: unknown) => {
        say({ type: 'stopped', error: error instanceof Error ? error.message : String(error) });
        process.exit(1);
      },
    );
  }
});
say({ type: 'started', simulatorUrl: app.simulator?.url ?? null });
