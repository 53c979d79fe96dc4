/**
 * `npm run bench:fanout [-- options]`: commit-to-receipt latency of judgmentAdded with 1, 100 and
 * 500 subscribers on one service process during a judge stage, and how many judgments were lost.
 * Needs a PostgreSQL server (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres);
 * each run has a fresh database of its own, dropped afterwards. The simulator and the service
 * are child processes; the subscribers are raw WebSocket clients in this process.
 *
 * The stage is the efficiency benchmark's (README, Performance): pairs x 2 orders x 4 samples
 * asked with `n`, the simulator at a fixed 200 ms per request and at most 64 at once, the service
 * at LLM_CONCURRENCY 64.
 *
 * "Commit" is when this process receives the judgments' NOTIFY on a connection of its own (sent
 * by the writing transaction, delivered on commit); "receipt" is when a subscriber's socket
 * delivers the message. Both are read from this process's clock.
 *
 *   --judgments N        judgments of the stage (default 2000; rounded to whole pairs)
 *   --full               2,000 instructions x 2 orders x 4 samples: about 16,000 judgments (pairs
 *                        the generator spoils are not judged)
 *   --subscribers a,b    subscriber counts (default 1,100,500)
 *   --runs N             runs per subscriber count; each figure is the median (default 3; lost and
 *                        duplicates are the largest of any run)
 *   --latency-ms N       simulated endpoint latency per request (default 200)
 *   --worker             run the judge stage in a worker process of its own (the API process then
 *                        only serves the subscribers), as a scaled-out deployment does
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { freshDatabase, graphql, median, percentile, processStats, startService, startSimulatorProcess, syntheticInstructions, waitForStage } from './lib.js';
import type { Gql } from './lib.js';

const { values } = parseArgs({
  options: {
    judgments: { type: 'string' },
    full: { type: 'boolean', default: false },
    subscribers: { type: 'string', default: '1,100,500' },
    'latency-ms': { type: 'string', default: '200' },
    worker: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
  },
});
const SAMPLES = 4;
const CONCURRENCY = 64;
const judgments = values.full ? 16_000 : Number(values.judgments ?? 2_000);
const pairs = Math.max(1, Math.round(judgments / (2 * SAMPLES)));
const counts = values.subscribers.split(',').map(Number);
const latencyMs = Number(values['latency-ms']);
const databaseServer = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const QUERY = 'subscription ($id: ID!) { judgmentAdded(iterationId: $id, afterSeq: 0) { seq verdict correct order sample } }';

type Result = {
  subscribers: number;
  judgments: number;
  stageMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  lost: number;
  duplicates: number;
  /** CPU ms from the stage's start until the last message arrived: the API process (with the worker in it unless --worker), the worker, the subscribers. */
  apiCpuMs: number;
  workerCpuMs: number | null;
  clientsCpuMs: number;
};

/**
 * One subscriber: a raw WebSocket client on a TCP socket, recording when each seq arrived and
 * whether seqs came in order once each. It reads frames itself and finds `"seq":` in the text
 * without JSON-parsing it: 500 clients receive about 8 million messages in a full run, and a
 * `ws` client with JSON.parse spends more CPU on them than the service does sending them; on two
 * shared cores it would measure itself. It answers pings, as a browser does.
 */
class Subscriber {
  readonly arrivals = new Map<number, number>();
  duplicates = 0;
  private last = 0;
  private pending: Buffer = Buffer.alloc(0);
  private constructor(readonly socket: net.Socket) {}

  static async open(url: string, iterationId: string): Promise<Subscriber> {
    const { hostname, port } = new URL(url);
    const socket = net.connect(Number(port), hostname);
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const key = randomBytes(16).toString('base64');
    socket.write(
      `GET /graphql HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n`,
    );
    const subscriber = new Subscriber(socket);
    let head = Buffer.alloc(0);
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        if (!head.subarray(0, end).toString().startsWith('HTTP/1.1 101')) return reject(new Error(`upgrade refused: ${head.subarray(0, end).toString()}`));
        subscriber.pending = head.subarray(end + 4);
        socket.on('data', (data: Buffer) => subscriber.receive(data));
        resolve();
      };
      socket.on('data', onData);
    });
    const acked = new Promise<void>((resolve) => (subscriber.onText = (text) => text.includes('"connection_ack"') && resolve()));
    subscriber.send(1, Buffer.from(JSON.stringify({ type: 'connection_init' })));
    subscriber.receive(Buffer.alloc(0));
    await acked;
    subscriber.onText = null;
    subscriber.send(1, Buffer.from(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY, variables: { id: iterationId } } })));
    return subscriber;
  }

  private onText: ((text: string) => void) | null = null;

  /** A masked client frame (RFC 6455 5.3). */
  private send(opcode: number, payload: Buffer): void {
    const mask = randomBytes(4);
    const header = payload.length < 126 ? Buffer.from([0x80 | opcode, 0x80 | payload.length]) : Buffer.from([0x80 | opcode, 0x80 | 126, payload.length >> 8, payload.length & 255]);
    const body = Buffer.from(payload);
    for (let i = 0; i < body.length; i++) body[i]! ^= mask[i % 4]!;
    this.socket.write(Buffer.concat([header, mask, body]));
  }

  private receive(chunk: Buffer): void {
    const now = performance.now();
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    for (;;) {
      if (data.length - at < 2) break;
      const opcode = data[at]! & 0x0f;
      let length = data[at + 1]! & 0x7f;
      let start = at + 2;
      if (length === 126) {
        if (data.length - at < 4) break;
        length = data.readUInt16BE(at + 2);
        start = at + 4;
      } else if (length === 127) {
        if (data.length - at < 10) break;
        length = data.readUInt32BE(at + 6);
        start = at + 10;
      }
      if (data.length < start + length) break;
      const payload = data.subarray(start, start + length);
      at = start + length;
      if (opcode === 9) this.send(10, payload);
      if (opcode !== 1) continue;
      if (this.onText) this.onText(payload.toString());
      const found = payload.indexOf('"seq":');
      if (found < 0) continue;
      let seq = 0;
      for (let i = found + 6; payload[i]! >= 48 && payload[i]! <= 57; i++) seq = seq * 10 + payload[i]! - 48;
      if (seq <= this.last || this.arrivals.has(seq)) this.duplicates++;
      else this.arrivals.set(seq, now);
      this.last = Math.max(this.last, seq);
    }
    data = data.subarray(at);
    this.pending = data;
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
  // Every subscriber connects from this process's address.
  const env = { DATABASE_URL: database.url, OPENAI_BASE_URL: sim.url, LLM_CONCURRENCY: String(CONCURRENCY), DATABASE_POOL_SIZE: '16', MUTATIONS_PER_MINUTE: '0', QUERIES_PER_MINUTE: '0', DEFAULT_TOKEN_BUDGET: '0', MAX_SUBSCRIPTIONS_PER_TOKEN: '0', WS_MAX_CONNECTIONS_PER_IP: '0' };
  const service = await startService(env, values.worker ? 'api' : 'all');
  const worker = values.worker ? await startService(env, 'worker') : null;
  let serviceErrors = '';
  let stopping = false;
  for (const child of [service, worker]) {
    child?.process.stderr!.on('data', (d: Buffer) => (serviceErrors = (serviceErrors + d.toString()).slice(-4000)));
    child?.process.once('exit', (code, signal) => {
      if (!stopping) process.stderr.write(`a service process exited during the run (${code ?? signal}): ${serviceErrors}\n`);
    });
  }
  const listener = new pg.Client({ connectionString: database.url });
  const clients: Subscriber[] = [];
  try {
    const gql = graphql(service.url);
    const { iterationId, total } = await prepare(gql);
    await fetch(sim.url.replace(/\/v1$/, '/sim/options'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs, jitterMs: 0, maxConcurrency: CONCURRENCY }) });
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
    const cpuBefore = { api: processStats(service.process.pid!).cpuMs, worker: worker ? processStats(worker.process.pid!).cpuMs : 0, clients: process.cpuUsage() };
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
    const clientCpu = process.cpuUsage(cpuBefore.clients);
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
      apiCpuMs: Math.round(processStats(service.process.pid!).cpuMs - cpuBefore.api),
      workerCpuMs: worker ? Math.round(processStats(worker.process.pid!).cpuMs - cpuBefore.worker) : null,
      clientsCpuMs: Math.round((clientCpu.user + clientCpu.system) / 1000),
    };
  } finally {
    stopping = true;
    for (const c of clients) c.socket.destroy();
    await listener.end().catch(() => {});
    await worker?.stop();
    await service.stop();
    await sim.stop();
    await database.drop();
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

const runs = Number(values.runs);
const results: Result[] = [];
for (const n of counts) {
  const all: Result[] = [];
  for (let i = 0; i < runs; i++) {
    all.push(await run(n));
    process.stderr.write(`${n} subscribers, run ${i + 1}/${runs}: ${JSON.stringify(all.at(-1))}\n`);
  }
  const mid = (pick: (r: Result) => number) => median(all.map(pick));
  const most = (pick: (r: Result) => number) => Math.max(...all.map(pick));
  results.push({
    subscribers: n,
    judgments: all[0]!.judgments,
    stageMs: mid((r) => r.stageMs),
    p50Ms: mid((r) => r.p50Ms),
    p99Ms: mid((r) => r.p99Ms),
    maxMs: mid((r) => r.maxMs),
    lost: most((r) => r.lost),
    duplicates: most((r) => r.duplicates),
    apiCpuMs: mid((r) => r.apiCpuMs),
    workerCpuMs: all[0]!.workerCpuMs === null ? null : mid((r) => r.workerCpuMs!),
    clientsCpuMs: mid((r) => r.clientsCpuMs),
  });
}
const where = values.worker ? 'the API in one process, the judge stage in a worker process' : 'API and worker in one process';
process.stdout.write(
  `judgmentAdded fan-out, ${results[0]?.judgments ?? 0} judgments per stage (n=${SAMPLES} per request), endpoint ${latencyMs} ms per request, ${CONCURRENCY} at once; ${where}; median of ${runs} run(s)\n\n`,
);
process.stdout.write('| subscribers | stage s | p50 ms | p99 ms | max ms | lost | duplicates | API CPU s | worker CPU s | subscribers CPU s |\n|---|---|---|---|---|---|---|---|---|---|\n');
const seconds = (ms: number | null) => (ms === null ? '-' : (ms / 1000).toFixed(1));
for (const r of results) {
  process.stdout.write(
    `| ${r.subscribers} | ${seconds(r.stageMs)} | ${r.p50Ms} | ${r.p99Ms} | ${r.maxMs} | ${r.lost} | ${r.duplicates} | ${seconds(r.apiCpuMs)} | ${seconds(r.workerCpuMs)} | ${seconds(r.clientsCpuMs)} |\n`,
  );
}
if (results.some((r) => r.lost > 0 || r.duplicates > 0)) process.exitCode = 1;
