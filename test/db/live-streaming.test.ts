import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLOW_CONSUMER } from '../../src/http/websocket.js';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { RawWs, wsUrl } from '../helpers/ws.js';

const INSTRUCTIONS = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').filter(Boolean);
const JUDGMENTS = `subscription ($id: ID!, $after: Int) { judgmentAdded(iterationId: $id, afterSeq: $after) { seq } }`;
/** The same with every long text of the pair, four times over: about 8 KB a message. */
const PAIR = 'pair { chosen rejected modifiedInstruction instruction { text } }';
const HEAVY = `subscription ($id: ID!, $after: Int) { judgmentAdded(iterationId: $id, afterSeq: $after) {
  seq reasoning p1: ${PAIR} p2: ${PAIR} p3: ${PAIR} p4: ${PAIR} } }`;

/** A seeded generator (mulberry32): the drop points are random but the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An experiment with pairs ready and an iteration to judge; returns the iteration and its judgment count. */
async function prepare(app: TestApp, instructions: number, samplesPerOrder: number): Promise<{ iterationId: string; total: number; stageOf: () => Promise<string> }> {
  // Pairs at full speed; the judge stage that follows runs at JUDGE_PACE.
  app.simulator!.setOptions({ latencyMs: 0, jitterMs: 0 });
  const id = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation ($n: Int) { createExperiment(name: "live", config: { samplesPerOrder: $n }) { id } }', { n: samplesPerOrder })).createExperiment.id;
  dataOf(await app.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: INSTRUCTIONS.slice(0, instructions).join('\n') }));
  const pairs = dataOf(await app.gql<{ generatePairs: { id: string } }>('mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }', { id })).generatePairs.id;
  await eventually(async () => (dataOf(await app.gql<{ stage: { status: string } }>('query ($id: ID!) { stage(id: $id) { status } }', { id: pairs })).stage.status === 'SUCCEEDED' ? true : undefined), 60_000, 50);
  const iterationId = dataOf(await app.gql<{ startIteration: { id: string } }>('mutation ($id: ID!) { startIteration(experimentId: $id) { id } }', { id })).startIteration.id;
  const ready = dataOf(await app.gql<{ experiment: { pairs: { totalCount: number } } }>('query ($id: ID!) { experiment(id: $id) { pairs(first: 0, status: READY) { totalCount } } }', { id })).experiment.pairs.totalCount;
  app.simulator!.setOptions(JUDGE_PACE);
  const stageOf = async () => dataOf(await app.gql<{ iteration: { stages: { status: string }[] } }>('query ($id: ID!) { iteration(id: $id) { stages { status } } }', { id: iterationId })).iteration.stages[0]?.status ?? 'NONE';
  return { iterationId, total: ready * 2 * samplesPerOrder, stageOf };
}

/**
 * With LLM_CONCURRENCY=2, a judge stage of a second or two: long enough for 20 drops while it runs
 * (at 40 ms a request, PGlite on its own thread delivered everything after 18).
 */
const JUDGE_PACE = { latencyMs: 80, jitterMs: 40 };

const seqOf = (m: { payload?: unknown }) => (m.payload as { data: { judgmentAdded: { seq: number } } }).data.judgmentAdded.seq;

describe.skipIf(NO_DATABASE)(`live judgments that lose nothing (${TEST_DB})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      LLM_CONCURRENCY: '2',
      WORKER_BATCH_SIZE: '4',
      WS_MAX_BUFFERED_BYTES: String(64 * 1024),
      WS_SLOW_CONSUMER_MS: '300',
      WS_MAX_SUBSCRIPTIONS: '20',
    });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('receives exactly 1..N across 20 connections dropped at random points of a judge stage', async () => {
    const { iterationId, total, stageOf } = await prepare(app, 20, 4);
    const next = random(20_241);
    const received: number[] = [];
    let drops = 0;
    let dropsWhileRunning = 0;
    dataOf(await app.gql('mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }', { id: iterationId }));
    while (received.length < total) {
      const client = await RawWs.connect(wsUrl(app.url));
      client.subscribe('j', JUDGMENTS, { id: iterationId, after: received.at(-1) ?? 0 });
      // Drop after a random delay, or read to the end once 20 drops are done.
      const deadline = drops < 20 ? Date.now() + next() * 80 : Infinity;
      try {
        while (received.length < total && Date.now() < deadline) {
          let timer: NodeJS.Timeout | undefined;
          const timeout = deadline === Infinity ? [] : [new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), Math.max(0, deadline - Date.now()))))];
          const message = await Promise.race([client.next(), ...timeout]);
          clearTimeout(timer);
          if (message) received.push(seqOf(message));
        }
      } finally {
        client.socket.terminate();
      }
      if (received.length < total) {
        drops++;
        if ((await stageOf()) === 'RUNNING') dropsWhileRunning++;
      }
    }
    expect(drops).toBeGreaterThanOrEqual(20);
    expect(dropsWhileRunning).toBeGreaterThan(0);
    expect(received).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it('gives many subscribers sharing rendered judgments each their own id, selection and starting point', async () => {
    const { iterationId, total } = await prepare(app, 20, 2);
    const VERDICTS = 'subscription ($id: ID!, $after: Int) { judgmentAdded(iterationId: $id, afterSeq: $after) { seq verdict } }';
    const TEXTS = 'subscription ($id: ID!, $after: Int, $p: Boolean!) { judgmentAdded(iterationId: $id, afterSeq: $after) { n: seq reasoning pair @include(if: $p) { id } } }';
    const one = await RawWs.connect(wsUrl(app.url));
    const two = await RawWs.connect(wsUrl(app.url));
    one.subscribe('a', VERDICTS, { id: iterationId, after: 0 });
    two.subscribe('b', VERDICTS, { id: iterationId, after: 0 });
    two.subscribe('c', TEXTS, { id: iterationId, after: 0, p: true });
    one.subscribe('d', TEXTS, { id: iterationId, after: 0, p: false });
    dataOf(await app.gql('mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }', { id: iterationId }));
    const read = async (client: RawWs, id: string, count: number) => {
      const out: Record<string, unknown>[] = [];
      while (out.length < count) out.push((((await client.result(id)).payload as { data: { judgmentAdded: Record<string, unknown> } }).data.judgmentAdded));
      return out;
    };
    // One reader per client at a time (RawWs queues what it receives meanwhile).
    const [[a, d], [b, c]] = await Promise.all([
      (async () => [await read(one, 'a', total), await read(one, 'd', total)])(),
      (async () => [await read(two, 'b', total), await read(two, 'c', total)])(),
    ]);
    // A late subscriber starting halfway, with the same selection as 'a': the stored rest only.
    const late = await RawWs.connect(wsUrl(app.url));
    late.subscribe('e', VERDICTS, { id: iterationId, after: Math.floor(total / 2) });
    const e = await read(late, 'e', total - Math.floor(total / 2));
    for (const client of [one, two, late]) client.close();

    const seqs = Array.from({ length: total }, (_, i) => i + 1);
    expect(a.map((j) => j.seq)).toEqual(seqs);
    expect(b).toEqual(a);
    expect(e).toEqual(a.slice(Math.floor(total / 2)));
    expect(a.every((j) => Object.keys(j).join() === 'seq,verdict')).toBe(true);
    expect(c.map((j) => j.n)).toEqual(seqs);
    expect(c.every((j) => Object.keys(j).join() === 'n,reasoning,pair' && typeof j.reasoning === 'string' && typeof (j.pair as { id: string }).id === 'string')).toBe(true);
    expect(d).toEqual(c.map(({ pair: _, ...rest }) => rest));
    // The same text as the API's query of the stored rows.
    const stored = dataOf(
      await app.gql<{ iteration: { judgments: { edges: { node: { seq: number; reasoning: string; verdict: string } }[] } } }>(
        'query ($id: ID!, $n: Int) { iteration(id: $id) { judgments(first: $n) { edges { node { seq reasoning verdict } } } } }',
        { id: iterationId, n: total },
      ),
    ).iteration.judgments.edges.map((e) => e.node);
    expect(stored.map((j) => [j.seq, j.verdict, j.reasoning])).toEqual(a.map((j, i) => [j.seq, j.verdict, c[i]!.reasoning]));
  });

  it('closes a subscriber that stops reading with 4290 while another on the same server keeps up, and the slow one resumes', async () => {
    const { iterationId, total } = await prepare(app, 20, 8);
    const slow = await RawWs.connect(wsUrl(app.url));
    const normal = await RawWs.connect(wsUrl(app.url));
    // Ten replays on the slow socket: far more than the kernel buffers and WS_MAX_BUFFERED_BYTES hold.
    for (let i = 0; i < 10; i++) slow.subscribe(`s${i}`, HEAVY, { id: iterationId, after: 0 });
    (slow.socket as unknown as { _socket: Socket })._socket.pause();
    normal.subscribe('n', HEAVY, { id: iterationId, after: 0 });
    dataOf(await app.gql('mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }', { id: iterationId }));
    const seen: number[] = [];
    while (seen.length < total) seen.push(seqOf(await normal.result('n')));
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    normal.close();

    // Reading again, the slow client finds what was sent before the close, then the close.
    (slow.socket as unknown as { _socket: Socket })._socket.resume();
    expect(await slow.closed).toEqual({ code: SLOW_CONSUMER.code, reason: SLOW_CONSUMER.reason });
    let last = 0;
    for (;;) {
      const message = await slow.next((m) => m.id === 's0').catch(() => null);
      if (!message) break;
      expect(seqOf(message)).toBe(last + 1);
      last = seqOf(message);
    }
    expect(last).toBeLessThan(total);
    const resumed = await RawWs.connect(wsUrl(app.url));
    resumed.subscribe('r', JUDGMENTS, { id: iterationId, after: last });
    const rest: number[] = [];
    while (rest.length < total - last) rest.push(seqOf(await resumed.result('r')));
    resumed.close();
    expect(rest).toEqual(Array.from({ length: total - last }, (_, i) => last + i + 1));
  });
});
