/**
 * `--role all` on PostgreSQL (WORKER_THREAD auto, the default): the worker (stage batches, loop
 * steps, sweeps, and the built-in simulator when no endpoint is set) runs in a worker thread of the
 * process (worker-thread-main.ts), exactly as a `--role worker` process would, and the API on the
 * main thread. At paper scale a stage keeps an event loop busy parsing answers and writing
 * judgments; on one loop the API's queries waited behind it (p95 104-108 ms, against 44-47 ms with
 * the worker in this thread: bench/results/2026-12-06-paper-scale-r5.json). The two sides share
 * only the database, as separate processes do, and the process: one start, one stop, one
 * /metrics (the API's serves the worker's counts too).
 *
 * The worker thread starting badly ends the start with its line; the thread ending while the
 * process runs ends the process (exit code 1) so that a supervisor restarts both, as it would when
 * one process crashed.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from './logger.js';
import type { MetricsSnapshot } from './metrics/metrics.js';

/** What the worker thread says. */
export type FromWorker =
  | { type: 'started'; simulatorUrl: string | null }
  | { type: 'failed'; line: string }
  | { type: 'metrics'; id: number; snapshot?: MetricsSnapshot; error?: string }
  | { type: 'stopped'; error?: string };

/** What the main thread asks of it. */
export type ToWorker = { type: 'metrics'; id: number } | { type: 'stop' } | { type: 'wake'; queueName: string };

export type WorkerThread = {
  /** The worker's simulator (no endpoint configured), for the API's clients. */
  simulatorUrl: string | null;
  metrics(): Promise<MetricsSnapshot>;
  /** Has the worker's idle queue workers of `queueName` look for jobs now (the API thread just sent some). */
  wake(queueName: string): void;
  /** Stops the worker as SIGTERM stops a worker process (in-flight work gets SHUTDOWN_TIMEOUT_MS), and ends the thread. */
  stop(): Promise<void>;
};

/**
 * The thread: worker-thread-main.js beside this module. Run from the sources (`node --import tsx
 * src/main.ts`, as `npm run dev` and the tests do), the thread gets no loader from --import, so it
 * registers tsx's itself before importing worker-thread-main.ts.
 */
function spawnThread(): Worker {
  const extension = path.extname(fileURLToPath(import.meta.url));
  const file = new URL(`./worker-thread-main${extension}`, import.meta.url);
  if (extension !== '.ts') return new Worker(file);
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(file.href)}); })`;
  return new Worker(boot, { eval: true });
}

/** Thrown when the worker thread could not start; `message` is the line to end the start with. */
export class WorkerThreadStartError extends Error {}

/**
 * Starts the worker thread and resolves once its app runs. `onLost` is called if the thread ends
 * other than by `stop()` (an uncaught error in it, or its app failing).
 */
export function startWorkerThread(logger: Logger, onLost: (error: Error) => void): Promise<WorkerThread> {
  const worker = spawnThread();
  const pending = new Map<number, { resolve: (s: MetricsSnapshot) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let stopping: Promise<void> | null = null;
  let started = false;
  let ended = false;

  return new Promise<WorkerThread>((resolve, reject) => {
    const lost = (error: Error) => {
      for (const { reject: fail } of pending.values()) fail(error);
      pending.clear();
      if (!started) reject(new WorkerThreadStartError(`self-taught-evaluator: failed to start: the worker thread ${error.message}`));
      else if (!stopping) onLost(error);
    };
    worker.on('error', (error) => lost(new Error(`failed: ${error.stack ?? error.message}`)));
    worker.on('exit', (code) => {
      ended = true;
      lost(new Error(`ended with exit code ${code}`));
    });
    worker.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'failed':
          started = true; // the line is the start's failure; the thread's exit that follows is expected
          stopping = Promise.resolve();
          reject(new WorkerThreadStartError(message.line));
          return;
        case 'started':
          started = true;
          resolve({
            simulatorUrl: message.simulatorUrl,
            metrics: () =>
              new Promise<MetricsSnapshot>((resolveMetrics, rejectMetrics) => {
                if (ended) return rejectMetrics(new Error('the worker thread has ended'));
                const id = ++nextId;
                pending.set(id, { resolve: resolveMetrics, reject: rejectMetrics });
                worker.postMessage({ type: 'metrics', id } satisfies ToWorker);
              }),
            wake: (queueName) => {
              if (!ended && !stopping) worker.postMessage({ type: 'wake', queueName } satisfies ToWorker);
            },
            stop: () => {
              stopping ??= ended
                ? Promise.resolve()
                : new Promise<void>((resolveStop) => {
                    worker.once('exit', () => resolveStop());
                    worker.postMessage({ type: 'stop' } satisfies ToWorker);
                  });
              return stopping;
            },
          });
          return;
        case 'metrics': {
          const request = pending.get(message.id);
          pending.delete(message.id);
          if (message.snapshot) request?.resolve(message.snapshot);
          else request?.reject(new Error(`the worker thread's metrics: ${message.error ?? 'no answer'}`));
          return;
        }
        case 'stopped':
          if (message.error) logger.error({ err: message.error }, 'stopping the worker thread failed');
          return;
      }
    });
  });
}
