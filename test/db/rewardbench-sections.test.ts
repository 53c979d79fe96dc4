import { eq } from 'drizzle-orm';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { evaluations } from '../../src/db/schema.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REWARDBENCH_SECTION_WEIGHTS } from '../../src/services/evaluation/rewardbench.js';
import { dataOf, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { evaluate, exportedVerdicts, finished, mean } from '../helpers/evaluation.js';
import type { RewardBench, VerdictLine } from '../helpers/evaluation.js';

/** One subset of each section, and the four prior sets of the leaderboard average. */
const SUBSETS = ['alpacaeval-easy', 'mt-bench-med', 'llmbar-natural', 'donotanswer', 'hep-python', 'math-prm', 'anthropic_helpful', 'anthropic_hhh', 'shp', 'summarize'];
const PER_SUBSET = 4;
const BAD_ROW = 7;

type Row = { prompt: string; chosen: string; rejected: string | null; subset: string; id: bigint };

/** RewardBench-shaped rows: the better answer covers the question's words, the worse one drifts. */
function rows(): Row[] {
  const out: Row[] = [];
  SUBSETS.forEach((subset, s) => {
    for (let i = 0; i < PER_SUBSET; i += 1) {
      const topic = `${subset} topic ${i}`;
      out.push({
        prompt: `Explain how ${topic} relates to harbour ${s} logistics and warehouse ${i} planning.`,
        chosen: `${topic} relates to harbour logistics: warehouse planning depends on it.${i % 2 ? '' : ' More detail on the planning.'}`,
        rejected: `A poem about the sea, the wind and the sky, number ${s * PER_SUBSET + i}, with many more words than needed here.`,
        subset,
        id: BigInt(1000 + s * PER_SUBSET + i),
      });
    }
  });
  out.splice(BAD_ROW - 1, 0, { prompt: 'A row whose rejected answer is null.', chosen: 'Fine.', rejected: null, subset: 'shp', id: 1n });
  return out;
}

function parquetBase64(data: Row[]): string {
  const column = <K extends keyof Row>(name: K) => data.map((r) => r[name]);
  const bytes = parquetWriteBuffer({
    columnData: [
      { name: 'prompt', data: column('prompt'), type: 'STRING' },
      { name: 'chosen', data: column('chosen'), type: 'STRING' },
      { name: 'rejected', data: column('rejected'), type: 'STRING', nullable: true },
      { name: 'subset', data: column('subset'), type: 'STRING' },
      { name: 'id', data: BigInt64Array.from(column('id')), type: 'INT64' },
    ],
    rowGroupSize: 16,
  });
  return Buffer.from(bytes).toString('base64');
}

const IMPORT = `mutation ($name: String!, $c: String!, $skip: Boolean) {
  importBenchmark(name: $name, content: $c, format: REWARDBENCH, encoding: BASE64, skipBadRows: $skip) {
    benchmark { id size subsets { name size } } skipped { file position reason } } }`;

type ImportResult = { benchmark: { id: string; size: number; subsets: { name: string; size: number }[] }; skipped: { file: string | null; position: number; reason: string }[] };

/** RewardBench scoring recomputed from exported verdicts, independently of the service's code. */
function recompute(lines: VerdictLine[], vote: boolean) {
  const byItem = new Map<string, { subset: string; orders: Map<string, string[]> }>();
  for (const l of lines) {
    const item = byItem.get(l.item_id) ?? { subset: l.subset, orders: new Map<string, string[]>() };
    byItem.set(l.item_id, item);
    item.orders.set(l.order, [...(item.orders.get(l.order) ?? []), l.verdict]);
  }
  const score = (order: string, verdict: string) => (verdict === 'TIE' || verdict === 'UNPARSEABLE' ? 0.5 : verdict === (order === 'CHOSEN_FIRST' ? 'A' : 'B') ? 1 : 0);
  const majority = (vs: string[]) => {
    const counts = (['A', 'B', 'TIE'] as const).map((v) => vs.filter((x) => x === v).length);
    const top = Math.max(...counts);
    if (top === 0) return 'UNPARSEABLE';
    return counts.filter((c) => c === top).length > 1 ? 'TIE' : (['A', 'B', 'TIE'] as const)[counts.indexOf(top)]!;
  };
  const subsetScores = new Map<string, number[]>();
  for (const item of byItem.values()) {
    const orderScores = [...item.orders].map(([order, vs]) => (vote ? score(order, majority(vs)) : mean(vs.map((v) => score(order, v)))));
    subsetScores.set(item.subset, [...(subsetScores.get(item.subset) ?? []), mean(orderScores)]);
  }
  const accuracy = (subset: string) => mean(subsetScores.get(subset)!);
  const sections = Object.values(REWARDBENCH_SECTION_WEIGHTS).map((weights) => {
    const present = Object.entries(weights).filter(([s]) => subsetScores.has(s));
    return present.reduce((sum, [s, w]) => sum + accuracy(s) * w, 0) / present.reduce((sum, [, w]) => sum + w, 0);
  });
  const priorSets = mean(['anthropic_helpful', 'anthropic_hhh', 'shp', 'summarize'].map(accuracy));
  const sum = sections.reduce((a, b) => a + b, 0);
  return { sections, overall: sum / 4, leaderboard: (2 * sum + priorSets) / 9 };
}

function expectScores(actual: RewardBench, expected: ReturnType<typeof recompute>) {
  [actual.chat, actual.chatHard, actual.safety, actual.reasoning].forEach((v, i) => expect(v).toBeCloseTo(expected.sections[i]!, 10));
  expect(actual.overall).toBeCloseTo(expected.overall, 10);
  expect(actual.leaderboard).toBeCloseTo(expected.leaderboard, 10);
  expect(actual).toMatchObject({ complete: true, label: 'overall', partialMean: null, sectionsAveraged: ['Chat', 'Chat Hard', 'Safety', 'Reasoning'] });
}

describe.skipIf(NO_DATABASE)(`RewardBench Parquet and section scores with k > 1 (${TEST_DB})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('refuses a Parquet file with a bad row by default, naming its row number, and stores nothing', async () => {
    const response = await app.gql(IMPORT, { name: 'rb-strict', c: parquetBase64(rows()) });
    const error = response.errors?.[0];
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'content', unit: 'row', rejected: [{ position: BAD_ROW, reason: 'field "rejected" must be a string, found null' }] });
    expect(error?.message).toBe(`content: 1 row(s) rejected, nothing stored: row ${BAD_ROW}: field "rejected" must be a string, found null`);
    const names = dataOf(await app.gql<{ benchmarks: { name: string }[] }>('{ benchmarks { name } }')).benchmarks.map((b) => b.name);
    expect(names).not.toContain('rb-strict');
    const notBase64 = await app.gql(IMPORT, { name: 'rb-text', c: '{"prompt": "p"}' });
    expect(notBase64.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'content' });
    expect(notBase64.errors?.[0]?.message).toMatch(/not valid base64/);
  });

  it('stores the good rows with skipBadRows and reports the bad one', async () => {
    const result = dataOf(await app.gql<{ importBenchmark: ImportResult }>(IMPORT, { name: 'rb-lenient', c: parquetBase64(rows()), skip: true })).importBenchmark;
    expect(result.benchmark.size).toBe(SUBSETS.length * PER_SUBSET);
    expect(result.benchmark.subsets.map((s) => [s.name, s.size])).toEqual([...SUBSETS].sort().map((s) => [s, PER_SUBSET]));
    expect(result.skipped).toEqual([{ file: null, position: BAD_ROW, reason: 'field "rejected" must be a string, found null' }]);
  });

  it('with k = 5 reports per-sample and majority-vote sections, overall and leaderboard, each equal to a recomputation from the export', async () => {
    const benchmarkId = dataOf(await app.gql<{ importBenchmark: ImportResult }>(IMPORT, { name: 'rb-k5', c: parquetBase64(rows()), skip: true })).importBenchmark.benchmark.id;
    const e = await finished(app, await evaluate(app, { benchmarkId, model: 'sim-judge', options: { samples: 5, temperature: 1, seed: 11 } }));
    expect(e.status).toBe('SUCCEEDED');
    const lines = await exportedVerdicts(app, e.id);
    expect(lines).toHaveLength(SUBSETS.length * PER_SUBSET * 2 * 5);
    expect(e.rewardBench.scoring).toBe('PER_SAMPLE');
    expect(e.rewardBench.majorityVote?.scoring).toBe('MAJORITY_VOTE');
    const perSample = recompute(lines, false);
    const vote = recompute(lines, true);
    expectScores(e.rewardBench.mean, perSample);
    expectScores(e.rewardBench.majorityVote!.mean, vote);
    expect(Math.abs(vote.overall - perSample.overall)).toBeGreaterThan(0.005);
    expect(e.rewardBench.majorityVote!.mean.overall).not.toBeCloseTo(e.rewardBench.mean.overall!, 3);

    // Results stored by a version without the labelled scores are computed again from the verdicts.
    const stored = (await app.database.db.select({ results: evaluations.results }).from(evaluations).where(eq(evaluations.id, Number(e.id))))[0]!.results as Record<string, unknown>;
    const { rewardBench, ...rest } = stored as { rewardBench: { mean: Record<string, unknown> } };
    const old = { ...rest, rewardBench: { mean: { chat: 0, overall: 0 }, chosenFirst: {}, chosenSecond: {} } };
    expect(rewardBench.mean.label).toBe('overall');
    await app.database.db.update(evaluations).set({ results: old }).where(eq(evaluations.id, Number(e.id)));
    const again = await finished(app, e.id);
    expect(again.rewardBench).toEqual(e.rewardBench);
  });
});
