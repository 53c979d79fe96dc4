import { readFileSync } from 'node:fs';
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

const TEN = readFileSync('data/instructions/mt-bench-questions.jsonl', 'utf8').split('\n').slice(0, 10).join('\n');

function wsClient(app: TestApp): Client {
  return createClient({ url: app.url.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
}

/** Collects `count` events of a subscription, then unsubscribes. */
function collect<T>(client: Client, query: string, variables: Record<string, unknown>, count: number): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const received: T[] = [];
    const unsubscribe = client.subscribe<T>(
      { query, variables },
      {
        next: (message) => {
          if (message.errors) reject(new Error(JSON.stringify(message.errors)));
          received.push(message.data as T);
          if (received.length === count) {
            unsubscribe();
            resolve(received);
          }
        },
        error: reject,
        complete: () => resolve(received),
      },
    );
  });
}

describe.skipIf(NO_DATABASE)(`the HTTP and WebSocket server (${TEST_DB})`, () => {
  let app: TestApp;
  let client: Client;
  let experimentId: string;
  let iterationId: string;

  beforeAll(async () => {
    app = await startTestApp();
    client = wsClient(app);
    experimentId = dataOf(await app.gql<{ createExperiment: { id: string } }>(`mutation { createExperiment(name: "ws", config: { samplesPerOrder: 3 }) { id } }`)).createExperiment.id;
    dataOf(await app.gql(`mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }`, { id: experimentId, c: TEN }));
  }, 60_000);
  afterAll(async () => {
    await client?.dispose();
    await app?.stop();
  });

  it('answers a schema query over HTTP with the API types', async () => {
    const data = dataOf(await app.gql<{ __schema: { types: { name: string }[] } }>('{ __schema { types { name } } }'));
    const names = data.__schema.types.map((t) => t.name);
    for (const name of ['Experiment', 'Iteration', 'Pair', 'Judgment', 'Stage']) expect(names).toContain(name);
    const health = await fetch(app.url.replace('/graphql', '/readyz'));
    expect(await health.json()).toEqual({ database: true, queue: true });
  });

  it('streams stage updates, ending with the final state, over graphql-ws', async () => {
    type Update = { stageUpdated: { kind: string; status: string; done: number; total: number } };
    const updates: Update['stageUpdated'][] = [];
    const finished = new Promise<void>((resolve, reject) => {
      const unsubscribe = client.subscribe<Update>(
        { query: `subscription ($id: ID!) { stageUpdated(experimentId: $id) { kind status done total } }`, variables: { id: experimentId } },
        {
          next: (message) => {
            const update = message.data!.stageUpdated;
            updates.push(update);
            if (update.status === 'SUCCEEDED') {
              unsubscribe();
              resolve();
            }
          },
          error: reject,
          complete: () => resolve(),
        },
      );
    });
    // The server confirms nothing on subscribe; a short pause lets it register before work starts.
    await new Promise((resolve) => setTimeout(resolve, 300));
    dataOf(await app.gql(`mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }`, { id: experimentId }));
    await finished;
    const last = updates[updates.length - 1]!;
    expect(last).toMatchObject({ kind: 'GENERATE_PAIRS', status: 'SUCCEEDED', total: 10, done: 10 });
    const dones = updates.map((u) => u.done);
    expect([...dones].sort((x, y) => x - y)).toEqual(dones);
  });

  it('replays stored judgments after a seq, then continues live, without gap or duplicate', async () => {
    iterationId = dataOf(await app.gql<{ startIteration: { id: string } }>(`mutation ($id: ID!) { startIteration(experimentId: $id) { id } }`, { id: experimentId })).startIteration.id;
    const ready = dataOf(await app.gql<{ experiment: { pairs: { totalCount: number } } }>(`query ($id: ID!) { experiment(id: $id) { pairs(first: 0, status: READY) { totalCount } } }`, { id: experimentId })).experiment.pairs.totalCount;
    const expected = ready * 2 * 3;
    const query = `subscription ($id: ID!, $after: Int) { judgmentAdded(iterationId: $id, afterSeq: $after) { seq verdict correct order sample } }`;
    const live = collect<{ judgmentAdded: { seq: number } }>(client, query, { id: iterationId, after: 0 }, expected);
    dataOf(await app.gql(`mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }`, { id: iterationId }));
    // Subscribe again halfway through: replay of what is stored, then live.
    const half = await eventually(async () => {
      const n = dataOf(await app.gql<{ iteration: { stats: { judgments: number } } }>(`query ($id: ID!) { iteration(id: $id) { stats { judgments } } }`, { id: iterationId })).iteration.stats.judgments;
      return n > 0 ? n : undefined;
    }, 60_000, 20);
    const afterSeq = Math.floor(half / 2);
    const resumed = await collect<{ judgmentAdded: { seq: number } }>(client, query, { id: iterationId, after: afterSeq }, expected - afterSeq);
    expect(resumed.map((m) => m.judgmentAdded.seq)).toEqual(Array.from({ length: expected - afterSeq }, (_, i) => afterSeq + i + 1));
    const all = await live;
    expect(all.map((m) => m.judgmentAdded.seq)).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
  });

  it('reports an unknown id on a subscription as NOT_FOUND', async () => {
    const error = await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query: `subscription { judgmentAdded(iterationId: "999999") { seq } }` },
        { next: (m) => resolve(m.errors), error: resolve, complete: () => resolve(null) },
      );
    });
    expect(JSON.stringify(error)).toContain('"extensions":{"code":"NOT_FOUND","field":"iterationId"}');
  });
});
