import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { evaluate, exportedVerdicts, finished, mean } from '../helpers/evaluation.js';
import type { VerdictLine } from '../helpers/evaluation.js';

type Line = VerdictLine & { source_id: string };
type ImportResult = { benchmark: { id: string; size: number; format: string; subsets: { name: string; size: number }[] }; skipped: { position: number; reason: string }[] };
const IMPORT = `mutation ($name: String!, $c: String!, $format: BenchmarkFormat!, $encoding: ContentEncoding) {
  importBenchmark(name: $name, content: $c, format: $format, encoding: $encoding) { benchmark { id size format subsets { name size } } skipped { position reason } } }`;

/** HelpSteer2-shaped rows: two responses per prompt; every fifth prompt's two have the same helpfulness. */
function helpSteerParquet(prompts: number): string {
  const rows: { prompt: string; response: string; helpfulness: number }[] = [];
  for (let p = 0; p < prompts; p += 1) {
    const prompt = `How should a city plan bicycle lane ${p} near school ${p}?`;
    // Some better answers are terse and some worse ones echo the question: the judge gets some wrong.
    // Answers alike in every feature the simulated judge reads leave the choice to its position bias.
    const terse = p % 3 === 1;
    const alike = p % 3 === 2;
    const goodText = terse ? `Separate it, light it (${p}).` : alike ? `Plan bicycle lane ${p} near school ${p} with care.` : `Plan bicycle lane ${p} near school ${p}: separate it from traffic and light the crossings.`;
    const badText = terse ? `A city should plan bicycle lane ${p} near school ${p}? Cars are fast.` : alike ? `Plan bicycle lane ${p} near school ${p} with paint.` : `Cars are fast. ${'Weather varies. '.repeat(1 + (p % 3))}`;
    const good = { prompt, response: goodText, helpfulness: p % 5 === 0 ? 2 : 4 };
    const bad = { prompt, response: badText, helpfulness: 2 };
    rows.push(...(p % 2 ? [bad, good] : [good, bad]));
  }
  const int = (name: string, f: (r: (typeof rows)[number], i: number) => number) => ({ name, data: Int32Array.from(rows.map(f)), type: 'INT32' as const });
  const bytes = parquetWriteBuffer({
    columnData: [
      { name: 'prompt', data: rows.map((r) => r.prompt), type: 'STRING' },
      { name: 'response', data: rows.map((r) => r.response), type: 'STRING' },
      int('helpfulness', (r) => r.helpfulness),
      int('correctness', (r) => r.helpfulness),
      int('coherence', () => 4),
      int('complexity', (_, i) => i % 3),
      int('verbosity', (_, i) => i % 4),
    ],
  });
  return Buffer.from(bytes).toString('base64');
}

const conv = (q1: string, a1: string, q2: string, a2: string) => [
  { role: 'user', content: q1 }, { role: 'assistant', content: a1 }, { role: 'user', content: q2 }, { role: 'assistant', content: a2 },
];

/** MT-Bench human-judgment rows: questions x two model pairs x two turns, several experts, one author vote. */
function mtBenchRows() {
  const winners = ['model_a', 'model_b', 'tie', 'tie (bothbad)'];
  const rows: { question_id: number; model_a: string; model_b: string; winner: string; judge: string; turn: number; conversation_a: unknown; conversation_b: unknown }[] = [];
  for (let q = 81; q < 87; q += 1) {
    const q1 = `Write a short guide to growing tomato variety ${q} on a balcony.`;
    const q2 = `Now rewrite the guide for tomato variety ${q} as three bullet points.`;
    const answer = (model: string) =>
      model === 'gpt-4'
        ? [`Growing tomato variety ${q} on a balcony: a sunny spot, a deep pot, regular watering.`, `- tomato variety ${q}: sun\n- deep pot\n- water daily`]
        : [`${model} talks about the weather today, number ${q}.`, `${model} has no bullet points for ${q}.`];
    for (const [a, b] of [['gpt-4', 'llama-13b'], ['vicuna-13b', 'gpt-4']] as const) {
      for (const turn of [1, 2]) {
        for (let e = 0; e < 1 + ((q + turn) % 3); e += 1) {
          const [a1, a2] = answer(a);
          const [b1, b2] = answer(b);
          rows.push({ question_id: q, model_a: a as string, model_b: b as string, winner: winners[(q + e + turn) % 4]!, judge: `expert_${e}`, turn, conversation_a: conv(q1, a1!, q2, a2!), conversation_b: conv(q1, b1!, q2, b2!) });
        }
      }
    }
  }
  rows.push({ ...rows[0]!, judge: 'author_0', winner: 'model_b' });
  return rows;
}

describe.skipIf(NO_DATABASE)(`HelpSteer2 and MT-Bench human judgments (${TEST_DB})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('imports HelpSteer2 Parquet as pairs by helpfulness and reports the mean over both orders and the position-consistent accuracy of the export', async () => {
    const imported = dataOf(await app.gql<{ importBenchmark: ImportResult }>(IMPORT, { name: 'hs2', c: helpSteerParquet(20), format: 'HELPSTEER2', encoding: 'BASE64' })).importBenchmark;
    expect(imported.benchmark).toMatchObject({ size: 16, format: 'helpsteer2', subsets: [{ name: 'helpsteer2', size: 16 }] });
    // Prompts 0, 5, 10 and 15 have equal helpfulness: both their rows are left out, and reported.
    expect(imported.skipped.map((s) => s.position)).toEqual([1, 2, 11, 12, 21, 22, 31, 32]);
    expect(imported.skipped[0]!.reason).toBe('no pair: every other response to its prompt has the same helpfulness (2)');
    const e = await finished(app, await evaluate(app, { benchmarkId: imported.benchmark.id, model: 'sim-judge' }));
    expect(e.status).toBe('SUCCEEDED');
    const lines = (await exportedVerdicts(app, e.id)) as Line[];
    expect(lines).toHaveLength(32);
    const items = [...new Set(lines.map((l) => l.item_id))];
    const orderScore = (id: string, order: string) => lines.find((l) => l.item_id === id && l.order === order)!.score;
    const meanOverOrders = mean(items.map((id) => (orderScore(id, 'CHOSEN_FIRST') + orderScore(id, 'CHOSEN_SECOND')) / 2));
    const consistent = mean(items.map((id) => (orderScore(id, 'CHOSEN_FIRST') === 1 && orderScore(id, 'CHOSEN_SECOND') === 1 ? 1 : 0)));
    expect(e.overall.accuracy!.value).toBeCloseTo(meanOverOrders, 12);
    expect(e.overall.positionConsistent!.value).toBeCloseTo(consistent, 12);
    expect(consistent).toBeLessThan(meanOverOrders);
  });

  it('imports MT-Bench human judgments and reports agreement with and without ties, per turn, equal to a recomputation from the export', async () => {
    const rows = mtBenchRows();
    const imported = dataOf(await app.gql<{ importBenchmark: ImportResult }>(IMPORT, { name: 'mt-human', c: rows.map((r) => JSON.stringify(r)).join('\n'), format: 'MTBENCH_HUMAN' })).importBenchmark;
    expect(imported.benchmark.subsets).toEqual([{ name: 'mt-bench-human-turn1', size: 12 }, { name: 'mt-bench-human-turn2', size: 12 }]);
    expect(imported.skipped).toEqual([{ position: rows.length, reason: 'judge "author_0" is not an expert: only expert votes are the human votes' }]);
    const e = await finished(app, await evaluate(app, { benchmarkId: imported.benchmark.id, model: 'sim-judge' }));
    expect(e.status).toBe('SUCCEEDED');
    const agreement = dataOf(await app.gql<{ evaluation: { humanAgreement: Record<string, unknown> } }>(
      `query ($id: ID!) { evaluation(id: $id) { humanAgreement { pairs humanVotes
        turn1 { withTies { agree total value } withoutTies { agree total value } } turn2 { withTies { agree total value } withoutTies { agree total value } }
        all { withTies { agree total value } withoutTies { agree total value } } } } }`,
      { id: e.id },
    )).evaluation.humanAgreement;

    // Recomputed from the export and the file: human votes by source id, names sorted, votes reverted.
    const votes = new Map<string, string[]>();
    for (const r of rows.filter((x) => x.judge.startsWith('expert'))) {
      const swap = r.model_a > r.model_b;
      const key = `${r.question_id}/${swap ? r.model_b : r.model_a}/${swap ? r.model_a : r.model_b}/turn${r.turn}`;
      const w = r.winner.startsWith('tie') ? 'tie' : swap ? (r.winner === 'model_a' ? 'model_b' : 'model_a') : r.winner;
      votes.set(key, [...(votes.get(key) ?? []), w!]);
    }
    const lines = (await exportedVerdicts(app, e.id)) as Line[];
    const judge = (source: string) => {
      const [first, second] = ['CHOSEN_FIRST', 'CHOSEN_SECOND'].map((order) => {
        const v = lines.find((l) => l.source_id === source && l.order === order)!.verdict;
        return v === 'A' || v === 'B' ? ((v === 'A') === (order === 'CHOSEN_FIRST') ? 'model_a' : 'model_b') : 'tie';
      });
      return first === second ? first! : 'tie';
    };
    const rate = (turns: number[], ties: boolean) => {
      let agree = 0;
      let total = 0;
      for (const [source, humans] of votes) {
        if (!turns.some((t) => source.endsWith(`turn${t}`))) continue;
        const j = judge(source);
        for (const h of humans) {
          if (!ties && (h === 'tie' || j === 'tie')) continue;
          total += 1;
          agree += h === j ? 1 : 0;
        }
      }
      return { agree, total, value: total ? agree / total : null };
    };
    const turn = (t: number[]) => ({ withTies: rate(t, true), withoutTies: rate(t, false) });
    expect(agreement).toEqual({ pairs: 24, humanVotes: [...votes.values()].flat().length, turn1: turn([1]), turn2: turn([2]), all: turn([1, 2]) });
    expect((agreement.all as { withTies: { total: number } }).withTies.total).toBeGreaterThan((agreement.all as { withoutTies: { total: number } }).withoutTies.total);
  });
});
