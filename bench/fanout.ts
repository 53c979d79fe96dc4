/**
 * `npm run bench:fanout [-- options]`: commit-to-receipt latency of judgmentAdded with 1, 100 and
 * 500 subscribers on one service process during a judge stage, and how many judgments were lost.
 * Needs a PostgreSQL server (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres);
 * each run has a fresh database of its own, dropped afterwards. The simulator and the service
 * are child processes; the subscribers are raw graphql-ws sockets in this process.
 *
 * "Commit" is when this process receives the judgments' NOTIFY on a connection of its own (sent
 * by the writing transaction, delivered on commit); "receipt" is when a subscriber's socket
 * delivers the message. Both are read from this process's clock.
 *
 *   --judgments N        judgments of the stage (default 2000; rounded to whole pairs)
 *   --full               1,000 instructions x 2 orders x 8 samples: about 16,000 judgments (pairs
 *                        the generator spoils are not judged)
 *   --subscribers a,b    subscriber counts (default 1,100,500)
 *   --latency-ms N       simulated endpoint latency per request (default 50)
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import WebSocket from 'ws';
import { freshDatabase, graphql, percentile, startService, startSimulatorProcess, syntheticInstructions, waitForStage } from './lib.js';
import type { Gql } from './lib.js';

const { values } = parseArgs({
  options: {
    judgments: { type: 'string' },
    full: { type: 'boolean', default: false },
    subscribers: { type: 'string', default: '1,100,500' },
    'latency-ms': { type: 'string', default: '50' },
  },
});
const SAMPLES = 8;
const judgments = values.full ? 16_000 : Number(values.judgments ?? 2_000);
const pairs = Math.max(1, Math.round(judgments / (2 * SAMPLES)));
const counts = values.subscribers.split(',').map(Number);
const latencyMs = Number(values['latency-ms']);
const databaseServer = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const QUERY = 'subscription ($id: ID!) { judgmentAdded(iterationId: $id, afterSeq: 0) { seq verdict correct order sample } }';

type Result = { subscribers: number; judgments: number; stageMs: number; p50Ms: number; p99Ms: number; maxMs: number; lost: number; duplicates: number };

/** One subscriber: a socket, the time each seq arrived, and whether seqs came in order once each. */
class Subscriber {
  readonly arrivals = new Map<number, number>();
  duplicates = 0;
  private last = 0;
  private constructor(readonly socket: WebSocket) {}

  static async open(url: string, iterationId: string): Promise<Subscriber> {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const subscriber = new Subscriber(socket);
    const acked = new Promise<void>((resolve) => {
      socket.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { type: string; payload?: { data?: { judgmentAdded: { seq: number } } } };
        if (message.type === 'connection_ack') resolve();
        const seq = message.payload?.data?.judgmentAdded.seq;
        if (seq === undefined) return;
        if (seq <= subscriber.last || subscriber.arrivals.has(seq)) subscriber.duplicates++;
        else subscriber.arrivals.set(seq, performance.now());
        subscriber.last = Math.max(subscriber.last, seq);
      });
    });
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await acked;
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY, variables: { id: iterationId } } }));
    return subscriber;
  }
}

async function prepare(gql: Gql): Promise<{ iterationId: string; total: number }> {
  const { createExperiment } = await gql<{ createExperiment: { id: string } }>(
    'mutation ($c: ExperimentConfigInput) { createExperiment(name: "fanout", config: $c) { id } }',
    { c: { samplesPerOrder: SAMPLES, maxTokens: 256, generatorModel: 'sim-generator', judgeModel: 'sim-judge' } },
  );
  const id = createExperiment.id;
  const lines = syntheticInstructions(pairs).map((instruction) => JSON.stringify({ instruction }));
  for (let i = 0; i < lines.length; i += 2_000) {
    await gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: lines.slice(i, i + 2_000).join('\n') });
  }
  const { generatePairs } = await gql<{ generatePairs: { id: string } }>('mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }', { id });
  if ((await waitForStage(gql, generatePairs.id, 200)).status !== 'SUCCEEDED') throw new Error('pair generation failed');
  const { startIteration } = await gql<{ startIteration: { id: string } }>('mutation ($id: ID!) { startIteration(experimentId: $id) { id } }', { id });
  const { experiment } = await gql<{ experiment: { pairs: { totalCount: number } } }>('query ($id: ID!) { experiment(id: $id) { pairs(first: 0, status: READY) { totalCount } } }', { id });
  return { iterationId: startIteration.id, total: experiment.pairs.totalCount * 2 * SAMPLES };
}

async function run(subscribers: number): Promise<Result> {
  const database = await freshDatabase(databaseServer, 'fanout');
  const sim = await startSimulatorProcess({ SIM_LOG_REQUESTS: '0' });
  // Several workers' worth of job concurrency in one process, and room for 500 sockets' operations.
  const service = await startService({ DATABASE_URL: database.url, OPENAI_BASE_URL: sim.url, DATABASE_POOL_SIZE: '16', MUTATIONS_PER_MINUTE: '0' });
  let serviceErrors = '';
  let stopping = false;
  service.process.stderr!.on('data', (d: Buffer) => (serviceErrors = (serviceErrors + d.toString()).slice(-4000)));
  service.process.once('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`service exited during the run (${code ?? signal}): ${serviceErrors}\n`);
  });
  const listener = new pg.Client({ connectionString: database.url });
  const clients: Subscriber[] = [];
  try {
    const gql = graphql(service.url);
    const { iterationId, total } = await prepare(gql);
    await fetch(sim.url.replace(/\/v1$/, '/sim/options'), { method: 'POST', body: JSON.stringify({ latencyMs, jitterMs: latencyMs }) });
    const committed = new Float64Array(total + 1);
    await listener.connect();
    listener.on('notification', (n) => {
      const event = JSON.parse(n.payload ?? '{}') as { type: string; data: { iterationId: number; fromSeq: number; toSeq: number } };
      if (event.type !== 'judgment.created' || String(event.data.iterationId) !== iterationId) return;
      const now = performance.now();
      for (let seq = event.data.fromSeq; seq <= Math.min(event.data.toSeq, total); seq++) committed[seq] = now;
    });
    await listener.query('listen ste_events');
    for (let i = 0; i < subscribers; i += 50) {
      clients.push(...(await Promise.all(Array.from({ length: Math.min(50, subscribers - i) }, () => Subscriber.open(service.url, iterationId)))));
    }
    // Subscriptions start asynchronously after `subscribe`; afterSeq 0 would replay anything missed, but
    // the stage should find them live.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const started = performance.now();
    const { judgePairs } = await gql<{ judgePairs: { id: string } }>('mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }', { id: iterationId });
    const stage = await waitForStage(gql, judgePairs.id, 100);
    const stageMs = performance.now() - started;
    if (stage.status !== 'SUCCEEDED') throw new Error(`judge stage ended ${stage.status}`);
    // Wait for every subscriber to have every judgment, or for nothing to arrive for 30 s.
    let previous = -1;
    let quietSince = performance.now();
    for (;;) {
      const received = clients.reduce((n, c) => n + c.arrivals.size, 0);
      if (received === total * subscribers) break;
      if (received !== previous) [previous, quietSince] = [received, performance.now()];
      else if (performance.now() - quietSince > 30_000) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const latencies: number[] = [];
    for (const c of clients) for (const [seq, at] of c.arrivals) if (committed[seq]) latencies.push(at - committed[seq]!);
    return {
      subscribers,
      judgments: total,
      stageMs: Math.round(stageMs),
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      maxMs: round(latencies.reduce((a, b) => Math.max(a, b), 0)),
      lost: clients.reduce((n, c) => n + (total - c.arrivals.size), 0),
      duplicates: clients.reduce((n, c) => n + c.duplicates, 0),
    };
  } finally {
    stopping = true;
    for (const c of clients) c.socket.terminate();
    await listener.end().catch(() => {});
    await service.stop();
    await sim.stop();
    await database.drop();
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

const results: Result[] = [];
for (const n of counts) {
  const result = await run(n);
  process.stderr.write(`${JSON.stringify(result)}\n`);
  results.push(result);
}
process.stdout.write(`judgmentAdded fan-out, ${results[0]?.judgments ?? 0} judgments per stage, endpoint latency ${latencyMs} ms (+ up to ${latencyMs} ms jitter)\n\n`);
process.stdout.write('| subscribers | stage s | p50 ms | p99 ms | max ms | lost | duplicates |\n|---|---|---|---|---|---|---|\n');
for (const r of results) process.stdout.write(`| ${r.subscribers} | ${(r.stageMs / 1000).toFixed(1)} | ${r.p50Ms} | ${r.p99Ms} | ${r.maxMs} | ${r.lost} | ${r.duplicates} |\n`);
if (results.some((r) => r.lost > 0 || r.duplicates > 0)) process.exitCode = 1;
