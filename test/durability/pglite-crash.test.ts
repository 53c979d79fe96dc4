/**
 * The embedded default (PGlite in DATA_DIR) killed with SIGKILL in the middle of a stage, and
 * started again on the same folder: the stage finishes with exact rows and no duplicate. Also:
 * PGlite itself killed at any moment, a checkpoint included, leaves a database that opens with
 * every acknowledged commit. (No PostgreSQL server needed: these run wherever the suite runs.)
 */
import { spawn } from 'node:child_process';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockDataDir } from '../../src/db/data-dir-lock.js';
import { startSimulator } from '../../src/sim/server.js';
import type { Simulator } from '../../src/sim/server.js';
import type { ServiceGql, StartedService } from '../helpers/service-process.js';
import { startService, stopAll, stopService, tempDir } from '../helpers/service-process.js';
import { eventually, sleep } from './harness.js';
import { instructionsJsonl } from './judge-stage.js';

type StageView = { id: string; status: string; total: number; done: number; failed: number };
const STAGE = 'id status total done failed';

/** Rows of the stopped service's folder, read with PGlite in this process (under the folder's lock). */
async function query<T>(dataDir: string, text: string, values: unknown[] = []): Promise<T[]> {
  const lock = lockDataDir(dataDir);
  const pg = await PGlite.create(dataDir);
  try {
    return (await pg.query<T>(text, values)).rows;
  } finally {
    await pg.close();
    lock.release();
  }
}

describe('the embedded database killed with SIGKILL mid-stage', () => {
  let sim: Simulator;
  let dir: string;
  let service: StartedService;
  let env: Record<string, string>;

  const stage = async (gql: ServiceGql, id: string) => (await gql<{ stage: StageView }>(`query ($id: ID!) { stage(id: $id) { ${STAGE} } }`, { id })).stage;
  const finished = (id: string) =>
    eventually(`stage ${id} to end`, async () => {
      const s = await stage(service.gql, id);
      return s.status === 'SUCCEEDED' || s.status === 'FAILED' ? s : undefined;
    }, 120_000, 200);
  /** Waits until the stage has done some of its items, kills the service with SIGKILL, starts it again; returns the done count at the kill. */
  const killMidStage = async (id: string, atLeast: number): Promise<number> => {
    const at = await eventually(`stage ${id} to be under way`, async () => {
      const s = await stage(service.gql, id);
      return s.done >= atLeast ? s : undefined;
    }, 60_000, 50);
    expect(await stopService(service, 'SIGKILL')).toBe('SIGKILL');
    expect(at.status).toBe('RUNNING');
    expect(at.done).toBeLessThan(at.total);
    service = await startService(env);
    expect(service.output()).toContain('took over the lock');
    return at.done;
  };

  beforeAll(async () => {
    sim = await startSimulator({ logRequests: 100_000 });
    dir = tempDir();
    env = {
      DATA_DIR: dir,
      OPENAI_BASE_URL: sim.url,
      JUDGE_MODEL: 'sim-judge',
      GENERATOR_MODEL: 'sim-generator',
      JOB_EXPIRE_SECONDS: '2',
      WORKER_JOB_CONCURRENCY: '4',
      WORKER_BATCH_SIZE: '4',
      LLM_CONCURRENCY: '8',
    };
    service = await startService(env);
  });
  afterAll(async () => {
    await stopAll();
    await sim?.close();
  });

  let experimentId: string;

  it('finishes GENERATE_PAIRS after a kill and a restart, with one pair per instruction', async () => {
    const { createExperiment } = await service.gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "crash", config: { samplesPerOrder: 2, seed: 4 }) { id } }');
    experimentId = createExperiment.id;
    await service.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id: experimentId, c: instructionsJsonl(120) });
    sim.setOptions({ latencyMs: 100, jitterMs: 50 });
    const stageId = (await service.gql<{ generatePairs: { id: string } }>('mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }', { id: experimentId })).generatePairs.id;
    const doneAtKill = await killMidStage(stageId, 12);
    expect(doneAtKill).toBeGreaterThanOrEqual(12);

    const ended = await finished(stageId);
    expect(ended).toMatchObject({ status: 'SUCCEEDED', total: 120, done: 120, failed: 0 });
    const { experiment } = await service.gql<{ experiment: { pairs: { totalCount: number } } }>('query ($id: ID!) { experiment(id: $id) { pairs(first: 0) { totalCount } } }', { id: experimentId });
    expect(experiment.pairs.totalCount).toBe(120);
  }, 120_000);

  it('finishes JUDGE after two kills and restarts, with exact rows, no duplicate, gap-free seqs and exact counters', async () => {
    const { startIteration } = await service.gql<{ startIteration: { id: string } }>('mutation ($id: ID!) { startIteration(experimentId: $id) { id } }', { id: experimentId });
    const judgeStage = (await service.gql<{ judgePairs: { id: string } }>('mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }', { id: startIteration.id })).judgePairs.id;
    // Two kills in one JUDGE stage.
    const first = await killMidStage(judgeStage, 16);
    const second = await killMidStage(judgeStage, first + 16);
    expect(second).toBeGreaterThan(first);
    const judged = await finished(judgeStage);
    const { iteration } = await service.gql<{ iteration: { stats: Record<string, number> } }>(
      'query ($id: ID!) { iteration(id: $id) { stats { judgments correct incorrect unparseable pairOrdersWithoutCorrect pairsWithoutCorrect } } }',
      { id: startIteration.id },
    );
    expect(await stopService(service)).toBe(0);

    // With the service stopped, the folder can be read: the pairs of the killed GENERATE_PAIRS stage first.
    const [pairs] = await query<{ n: number; instructions: number; ready: number }>(
      dir,
      `select count(*)::int as n, count(distinct instruction_id)::int as instructions, (count(*) filter (where status = 'READY'))::int as ready from pairs where experiment_id = $1`,
      [experimentId],
    );
    expect(pairs).toMatchObject({ n: 120, instructions: 120 });
    const items = pairs!.ready * 2;
    expect(judged).toMatchObject({ status: 'SUCCEEDED', total: items, done: items, failed: 0 });

    const [rows] = await query<Record<string, number>>(
      dir,
      `with per_item as (select pair_id, count(*) filter (where correct) as correct from judgments where iteration_id = $1 group by pair_id, "order")
       select count(*)::int as n, count(distinct (pair_id, "order"))::int as items, count(distinct (pair_id, "order", sample))::int as keys,
              coalesce(max(seq), 0)::int as max_seq, count(distinct seq)::int as seqs,
              (count(*) filter (where correct))::int as correct,
              (count(*) filter (where not correct and verdict in ('A', 'B')))::int as incorrect,
              (count(*) filter (where verdict = 'UNPARSEABLE'))::int as unparseable,
              (select count(*)::int from per_item where correct = 0) as "pairOrdersWithoutCorrect",
              (select count(*)::int from (select pair_id from per_item group by pair_id having sum(correct) = 0) p) as "pairsWithoutCorrect"
       from judgments where iteration_id = $1`,
      [startIteration.id],
    );
    const expected = items * 2;
    expect(rows).toMatchObject({ n: expected, items, keys: expected, max_seq: expected, seqs: expected });
    expect(iteration.stats).toEqual({
      judgments: expected,
      correct: rows!.correct,
      incorrect: rows!.incorrect,
      unparseable: rows!.unparseable,
      pairOrdersWithoutCorrect: rows!.pairOrdersWithoutCorrect,
      pairsWithoutCorrect: rows!.pairsWithoutCorrect,
    });
    const [jobs] = await query<{ open: number; failed: number }>(
      dir,
      `select (count(*) filter (where state < 'completed'))::int as open, (count(*) filter (where state = 'failed'))::int as failed from pgboss.job`,
    );
    expect(jobs).toEqual({ open: 0, failed: 0 });
  }, 240_000);
});

describe('PGlite killed with SIGKILL at any moment, a checkpoint included', () => {
  afterAll(async () => {
    await stopAll();
  });

  /** A child that commits batches of 50 rows, announcing each commit and each checkpoint before it starts it. */
  const WRITER = `
    import { PGlite } from '@electric-sql/pglite';
    const pg = await PGlite.create(process.argv[1]);
    await pg.exec("create table if not exists t (id serial primary key, v text not null)");
    let n = (await pg.query("select count(*)::int as n from t")).rows[0].n;
    process.stdout.write("ready " + n + "\\n");
    for (let i = 1; ; i++) {
      await pg.query("insert into t (v) select repeat('x', 400) from generate_series(1, 50)");
      n += 50;
      process.stdout.write("committed " + n + "\\n");
      if (i % 20 === 0) { process.stdout.write("checkpoint\\n"); await pg.exec("checkpoint"); }
    }`;

  it('opens again with every acknowledged commit, five kills in a row', async () => {
    const dir = tempDir();
    let acknowledged = 0;
    for (let kill = 0; kill < 5; kill += 1) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', WRITER, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      const exited = new Promise<string | number>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code ?? 'unknown')));
      const ready = new Promise<number>((resolve) => {
        child.stdout!.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          const match = /ready (\d+)\n/.exec(out);
          if (match) resolve(Number(match[1]));
          // Killed the moment it says a checkpoint starts (the checkpoint of a few hundred dirty pages is then under way).
          if (out.split('\n').filter((l) => l === 'checkpoint').length > kill % 2) child.kill('SIGKILL');
        });
      });
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
      const seen = await Promise.race([ready, exited.then(() => -1)]);
      expect(seen, out).toBeGreaterThanOrEqual(acknowledged);
      expect(await exited).toBe('SIGKILL');
      const commits = [...out.matchAll(/committed (\d+)\n/g)].map((m) => Number(m[1]));
      acknowledged = Math.max(acknowledged, ...commits);
      await sleep(10);
    }
    const [rows] = await query<{ n: number; ids: number }>(dir, 'select count(*)::int as n, count(distinct id)::int as ids from t');
    expect(rows!.ids).toBe(rows!.n);
    // Every commit the writer saw acknowledged is there; at most the batch it had not announced yet is more.
    expect(rows!.n).toBeGreaterThanOrEqual(acknowledged);
    expect(rows!.n).toBeLessThanOrEqual(acknowledged + 50);
    expect(acknowledged).toBeGreaterThan(1000);
  }, 120_000);
});
