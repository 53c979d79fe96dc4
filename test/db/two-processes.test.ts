import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/server.js';
import type { Simulator } from '../../src/sim/server.js';
import { eventually, freshDatabase, TEST_DB } from '../helpers/app.js';
import type { TestDatabase } from '../helpers/app.js';
import { RawWs, wsUrl } from '../helpers/ws.js';

const TWENTY = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 20).join('\n');

/** `npm start -- --role <role>` as a child process; resolves once it says it started. */
function startProcess(role: 'api' | 'worker', env: Record<string, string>): Promise<{ child: ChildProcess; url: string | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--role', role], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const api = /GraphQL API at (http:\/\/\S+\/graphql)/.exec(out);
      if (api) resolve({ child, url: api[1]! });
      else if (/worker started/.test(out)) resolve({ child, url: null });
    });
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}: ${err}`)));
  });
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe.skipIf(TEST_DB !== 'postgres' || !process.env.DATABASE_URL)('an API process and a worker process on one PostgreSQL', () => {
  let database: TestDatabase;
  let simulator: Simulator;
  let api: { child: ChildProcess; url: string | null } | undefined;
  let worker: { child: ChildProcess } | undefined;

  beforeAll(async () => {
    database = await freshDatabase();
    simulator = await startSimulator({ fineTuneMs: 50 });
    const env = { DATABASE_URL: database.url!, OPENAI_BASE_URL: simulator.url, GENERATOR_MODEL: 'sim-generator', JUDGE_MODEL: 'sim-judge' };
    // The API first: it migrates; the worker waits on the migration lock if it gets there first anyway.
    api = await startProcess('api', env);
    worker = await startProcess('worker', { ...env, WORKER_BATCH_SIZE: '8' });
  }, 60_000);
  afterAll(async () => {
    await stopProcess(api?.child);
    await stopProcess(worker?.child);
    await simulator?.close();
    await database?.drop();
  });

  it('streams to a subscriber on the API process every judgment the worker writes', async () => {
    const url = api!.url!;
    const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
      const body = (await response.json()) as { data: T; errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };
    const { id } = (await gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "two", config: { samplesPerOrder: 3 }) { id } }')).createExperiment;
    await gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: TWENTY });
    const pairs = (await gql<{ generatePairs: { id: string } }>('mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }', { id })).generatePairs.id;
    await eventually(async () => ((await gql<{ stage: { status: string } }>('query ($id: ID!) { stage(id: $id) { status } }', { id: pairs })).stage.status === 'SUCCEEDED' ? true : undefined), 60_000, 100);
    const iterationId = (await gql<{ startIteration: { id: string } }>('mutation ($id: ID!) { startIteration(experimentId: $id) { id } }', { id })).startIteration.id;
    const ready = (await gql<{ experiment: { pairs: { totalCount: number } } }>('query ($id: ID!) { experiment(id: $id) { pairs(first: 0, status: READY) { totalCount } } }', { id })).experiment.pairs.totalCount;
    const total = ready * 2 * 3;

    const client = await RawWs.connect(wsUrl(url));
    client.subscribe('j', 'subscription ($id: ID!) { judgmentAdded(iterationId: $id, afterSeq: 0) { seq model } }', { id: iterationId });
    await gql('mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }', { id: iterationId });
    const seqs: number[] = [];
    while (seqs.length < total) {
      const message = await client.result('j');
      seqs.push((message.payload as { data: { judgmentAdded: { seq: number } } }).data.judgmentAdded.seq);
    }
    client.close();
    expect(total).toBeGreaterThan(0);
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });
});
