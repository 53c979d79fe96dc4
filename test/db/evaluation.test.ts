import { readFileSync } from 'node:fs';
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { REWARDBENCH_SECTION_WEIGHTS } from '../../src/services/evaluation/rewardbench.js';
import { dataOf, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { evaluate, EVALUATION_FIELDS, evaluationOf, exportedVerdicts, finished, importBundled, mean } from '../helpers/evaluation.js';
import type { EvaluationView, Metrics, VerdictLine } from '../helpers/evaluation.js';

const GPTOUT = 'llmbar-adver-GPTOut';
const LLMBAR_SUBSETS = [['llmbar-adver-GPTInst', 92], ['llmbar-adver-GPTOut', 47], ['llmbar-adver-manual', 46], ['llmbar-adver-neighbor', 134], ['llmbar-natural', 100]];

/** LLMBar's own judge format: the verdict is "Output (a)" or "Output (b)". */
const OUTPUT_AB_TEMPLATE = {
  system: 'You are a helpful assistant in evaluating the quality of the outputs for a given instruction. Select the Output (a) or Output (b) that is better for the given instruction. Do NOT provide any explanation for your choice.',
  user: '# Instruction:\n{question}\n\n# Output (a):\n{answer_a}\n\n# Output (b):\n{answer_b}\n\n# Which is better, Output (a) or Output (b)? Your response should be either "Output (a)" or "Output (b)":',
  verdictA: 'Output \\(a\\)',
  verdictB: 'Output \\(b\\)',
};

type GqlError = { message: string; extensions?: { code?: string; field?: string; rejected?: { position: number; reason: string }[] } };

/** Accuracy of one order recomputed from exported verdicts (k = 1): RewardBench scoring. */
const orderAccuracy = (lines: VerdictLine[], order: string) => mean(lines.filter((l) => l.order === order).map((l) => l.score));

describe.skipIf(NO_DATABASE)(`evaluating judges on labeled benchmarks (${TEST_DB})`, () => {
  let app: TestApp;
  let client: Client;
  let llmbarId: string;
  let full: EvaluationView;

  beforeAll(async () => {
    app = await startTestApp();
    client = createClient({ url: app.url.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    llmbarId = (await importBundled(app, 'llmbar')).benchmark.id;
  });
  afterAll(async () => {
    await client?.dispose();
    await app?.stop();
  });

  it("imports the bundled LLMBar files as one benchmark with RewardBench's subset names, once", async () => {
    const again = await importBundled(app, 'llmbar');
    expect(again.created).toBe(false);
    expect(again.benchmark.id).toBe(llmbarId);
    expect(again.benchmark.size).toBe(419);
    expect(again.benchmark.subsets.map((s) => [s.name, s.size])).toEqual(LLMBAR_SUBSETS);
    expect(again.skipped).toEqual([]);
  });

  it("imports LLMEval^2, skipping and reporting its two known bad rows", async () => {
    const llmeval2 = await importBundled(app, 'llmeval2');
    expect(llmeval2.created).toBe(true);
    expect(llmeval2.benchmark.size).toBe(198);
    expect(llmeval2.skipped.map((s) => s.position)).toEqual([58, 170]);
    expect(llmeval2.skipped[0]!.reason).toMatch(/identical/);
  });

  it('scores the seed judge on every LLMBar subset in both orders, with intervals, agreement and the Chat Hard score', async () => {
    const e = (full = await finished(app, await evaluate(app, { benchmarkId: llmbarId, model: 'sim-judge' })));
    expect(e).toMatchObject({ status: 'SUCCEEDED', partial: false, judgeModel: 'sim-judge', stage: { total: 838, done: 838, failed: 0 } });
    expect(e.subsets.map((s) => [s.subset, s.items])).toEqual(LLMBAR_SUBSETS);
    for (const m of [...e.subsets, e.overall]) {
      expect(m.itemsBothOrders).toBe(m.items);
      expect(m.verdicts).toBe(2 * m.items);
      expect(m.majorityVote).toBeNull();
      for (const a of [m.chosenFirst, m.chosenSecond, m.accuracy, m.positionConsistent, m.agreementRate]) {
        expect(a!.low).toBeLessThanOrEqual(a!.value);
        expect(a!.high).toBeGreaterThanOrEqual(a!.value);
      }
      expect(m.accuracy!.value).toBeCloseTo((m.chosenFirst!.value + m.chosenSecond!.value) / 2, 10);
    }
    const weights = REWARDBENCH_SECTION_WEIGHTS.chatHard;
    const weighted = (key: 'accuracy' | 'chosenFirst' | 'chosenSecond') =>
      e.subsets.reduce((s, m) => s + m[key]!.value * weights[m.subset]!, 0) / e.subsets.reduce((s, m) => s + weights[m.subset]!, 0);
    expect(e.rewardBench.mean.chatHard).toBeCloseTo(weighted('accuracy'), 10);
    expect(e.rewardBench.chosenFirst.chatHard).toBeCloseTo(weighted('chosenFirst'), 10);
    expect(e.rewardBench.chosenSecond.chatHard).toBeCloseTo(weighted('chosenSecond'), 10);
    expect(e.rewardBench.mean).toMatchObject({ chat: null, safety: null, reasoning: null, leaderboard: null, unscoredSubsets: [] });
    // LLMBar is Chat Hard only: a partial figure, never labelled overall.
    expect(e.rewardBench).toMatchObject({ scoring: 'ONE_VERDICT', majorityVote: null });
    expect(e.rewardBench.mean).toMatchObject({ overall: null, complete: false, sectionsAveraged: ['Chat Hard'], label: 'partial (Chat Hard)' });
    expect(e.rewardBench.mean.partialMean).toBeCloseTo(e.rewardBench.mean.chatHard!, 10);
    // The seed has a position bias towards A: better with the chosen answer first.
    expect(e.overall.chosenFirst!.value).toBeGreaterThan(e.overall.chosenSecond!.value);
  });

  it('stores per-item verdicts that add up to the reported numbers (GPTOut, both orders, JSONL export)', async () => {
    const e = await finished(app, await evaluate(app, { benchmarkId: llmbarId, model: 'sim-judge', options: { subsets: [GPTOUT] } }));
    expect(e.status).toBe('SUCCEEDED');
    const lines = await exportedVerdicts(app, e.id);
    expect(lines).toHaveLength(94);
    expect(new Set(lines.map((l) => `${l.item_id}:${l.order}`)).size).toBe(94);
    expect(lines.every((l) => l.subset === GPTOUT && l.sample === 0)).toBe(true);
    for (const l of lines) expect(l.correct).toBe(l.verdict === (l.order === 'CHOSEN_FIRST' ? 'A' : 'B'));
    const [m] = e.subsets as [Metrics];
    expect(e.subsets).toHaveLength(1);
    expect(m.chosenFirst!.value).toBeCloseTo(orderAccuracy(lines, 'CHOSEN_FIRST'), 10);
    expect(m.chosenSecond!.value).toBeCloseTo(orderAccuracy(lines, 'CHOSEN_SECOND'), 10);
    expect(m.accuracy!.value).toBeCloseTo(mean(lines.map((l) => l.score)), 10);
    expect(m.tieRate).toBeCloseTo(lines.filter((l) => l.verdict === 'TIE').length / 94, 10);
    expect(m.unparseableRate).toBeCloseTo(lines.filter((l) => l.verdict === 'UNPARSEABLE').length / 94, 10);
    const byItem = new Map<string, Record<string, string>>();
    for (const l of lines) byItem.set(l.item_id, { ...byItem.get(l.item_id), [l.order]: l.verdict });
    const both = [...byItem.values()];
    expect(m.positionConsistent!.value).toBeCloseTo(mean(both.map((v) => (v.CHOSEN_FIRST === 'A' && v.CHOSEN_SECOND === 'B' ? 1 : 0))), 10);
    const decided = both.filter((v) => ['A', 'B'].includes(v.CHOSEN_FIRST!) && ['A', 'B'].includes(v.CHOSEN_SECOND!));
    expect(m.agreementItems).toBe(decided.length);
    expect(m.agreementRate!.value).toBeCloseTo(mean(decided.map((v) => ((v.CHOSEN_FIRST === 'A') === (v.CHOSEN_SECOND === 'B') ? 1 : 0))), 10);
    const value = (x: { value: number } | null) => x?.value;
    for (const key of ['chosenFirst', 'chosenSecond', 'accuracy', 'positionConsistent', 'agreementRate'] as const) expect(value(e.overall[key])).toBe(value(m[key]));
    // Greedy and seeded per item: the subset scores the same inside the full-benchmark evaluation, intervals included.
    expect(full.subsets.find((s) => s.subset === GPTOUT)).toEqual(m);
    const bad = await fetch(app.url.replace('/graphql', `/exports/evaluations/${e.id}/judgments.jsonl`));
    expect(bad.status).toBe(400);
  });

  it('streams an evaluation with partial results while it runs, ending with its final state', async () => {
    expect.assertions(6);
    const id = await evaluate(app, { benchmarkId: llmbarId, model: 'sim-judge', options: { order: 'RANDOM_SEEDED', seed: 3 } });
    const updates: EvaluationView[] = [];
    await new Promise<void>((resolve, reject) => {
      client.subscribe<{ evaluationUpdated: EvaluationView }>(
        { query: `subscription ($id: ID!) { evaluationUpdated(evaluationId: $id) { ${EVALUATION_FIELDS} } }`, variables: { id } },
        { next: (m) => (m.errors ? reject(new Error(JSON.stringify(m.errors))) : updates.push(m.data!.evaluationUpdated)), error: reject, complete: resolve },
      );
    });
    const last = updates.at(-1)!;
    expect(last).toMatchObject({ status: 'SUCCEEDED', partial: false });
    expect(last).toEqual(await evaluationOf(app, id));
    // 419 requests take far longer than subscribing: the first state is sent before the last verdict.
    expect(updates[0]!.partial).toBe(true);
    expect(updates.slice(0, -1).every((u) => u.partial)).toBe(true);
    const verdicts = updates.map((u) => u.overall.verdicts);
    expect([...verdicts].sort((a, b) => a - b)).toEqual(verdicts);
    // RANDOM_SEEDED: one order per item, drawn from the seed.
    expect(last.overall).toMatchObject({ items: 419, verdicts: 419, itemsBothOrders: 0 });
  });

  it('reads a judge trained on another format with its own verdict patterns ("Output (a)" / "Output (b)")', async () => {
    const e = await finished(app, await evaluate(app, { benchmarkId: llmbarId, model: 'sim-judge', options: { subsets: [GPTOUT], judgeTemplate: OUTPUT_AB_TEMPLATE } }));
    expect(e.status).toBe('SUCCEEDED');
    expect(e.overall.unparseableRate).toBe(0);
    const lines = await exportedVerdicts(app, e.id);
    expect(lines).toHaveLength(94);
    for (const l of lines) {
      expect(l.reasoning).not.toContain('[[');
      expect(l.verdict).toBe(l.reasoning.includes('Output (a)') ? 'A' : 'B');
    }
  });

  it('refuses bad evaluation input with a field error (BAD_USER_INPUT, NOT_FOUND for unknown ids), storing nothing', async () => {
    const count = async () =>
      dataOf(await app.gql<{ benchmarks: { evaluations: { id: string }[] }[] }>('{ benchmarks { evaluations { id } } }')).benchmarks.flatMap((b) => b.evaluations).length;
    const before = await count();
    const cases: [Record<string, unknown>, string, string?][] = [
      [{ benchmarkId: '424242', model: 'sim-judge' }, 'benchmarkId', 'NOT_FOUND'],
      [{ benchmarkId: llmbarId, model: 'sim-judge', options: { samples: 0 } }, 'options.samples'],
      [{ benchmarkId: llmbarId, model: 'sim-judge', options: { samples: 65, temperature: 1 } }, 'options.samples'],
      [{ benchmarkId: llmbarId, model: 'sim-judge', options: { samples: 3 } }, 'options.temperature'],
      [{ benchmarkId: llmbarId, model: 'sim-judge', options: { judgeTemplate: { ...OUTPUT_AB_TEMPLATE, verdictA: 'Output (a' } } }, 'options.judgeTemplate.verdictA'],
      [{ benchmarkId: llmbarId, model: 'sim-judge', options: { judgeTemplate: { ...OUTPUT_AB_TEMPLATE, verdictB: 'Output (?=\\(b\\))' } } }, 'options.judgeTemplate.verdictB'],
      [{ benchmarkId: llmbarId, model: 'sim-judge', options: { judgeTemplate: { ...OUTPUT_AB_TEMPLATE, verdictTie: '[ab]*a[ab]{20}' } } }, 'options.judgeTemplate.verdictTie'],
      [{ benchmarkId: llmbarId, model: 'sim-judge', options: { subsets: ['mt-bench-hard'] } }, 'options.subsets'],
      [{ benchmarkId: llmbarId }, 'model'],
      [{ benchmarkId: llmbarId, model: 'sim-judge', iterationId: '1' }, 'model'],
      [{ benchmarkId: llmbarId, iterationId: '424242' }, 'iterationId', 'NOT_FOUND'],
    ];
    for (const [args, field, code = 'BAD_USER_INPUT'] of cases) {
      const response = await app.gql(
        `mutation ($benchmarkId: ID!, $model: String, $iterationId: ID, $options: EvaluateOptionsInput) {
          evaluateJudge(benchmarkId: $benchmarkId, model: $model, iterationId: $iterationId, options: $options) { id } }`,
        args,
      );
      const error = response.errors?.[0] as GqlError | undefined;
      expect(error?.extensions, JSON.stringify(args)).toMatchObject({ code, field });
      expect(error?.message).toContain(field);
    }
    expect(await count()).toBe(before);
  });

  it('stores nothing from a benchmark file with bad rows, and lists every position and reason', async () => {
    const names = async () => dataOf(await app.gql<{ benchmarks: { name: string }[] }>('{ benchmarks { name } }')).benchmarks.map((b) => b.name);
    const before = await names();
    const row = (prompt: string, chosen: string, rejected: string) => JSON.stringify({ prompt, chosen, rejected, subset: 'alpacaeval-easy', id: prompt });
    const content = [row('Name a prime.', '7', '8'), '{"prompt": "x"', row('Name an even number.', '4', '4'), row('Name a colour.', 'Red', 'Seven')].join('\n');
    const response = await app.gql(
      'mutation ($c: String!) { importBenchmark(name: "broken", content: $c, format: REWARDBENCH) { benchmark { id } } }',
      { c: content },
    );
    const error = response.errors?.[0] as GqlError;
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'content' });
    expect(error.extensions!.rejected!.map((r) => r.position)).toEqual([2, 3]);
    expect(error.message).toMatch(/line 2: .*JSON.*line 3: .*identical/);
    expect(await names()).toEqual(before);
    const good = dataOf(await app.gql<{ importBenchmark: { created: boolean; benchmark: { size: number; subsets: { name: string }[] } } }>(
      'mutation ($c: String!) { importBenchmark(name: "tiny", content: $c, format: REWARDBENCH) { created benchmark { size subsets { name } } } }',
      { c: [row('Name a prime.', '7', '8'), row('Name a colour.', 'Red', 'Seven')].join('\n') },
    )).importBenchmark;
    expect(good).toEqual({ created: true, benchmark: { size: 2, subsets: [{ name: 'alpacaeval-easy' }] } });
    const twice = await app.gql('mutation ($c: String!) { importBenchmark(name: "tiny", content: $c, format: REWARDBENCH) { created } }', { c: row('a', 'b', 'c') });
    expect((twice.errors?.[0] as GqlError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
  });

  it('keeps benchmark prompts out of training, whichever is imported first', async () => {
    const gptout = JSON.parse(readFileSync('data/eval/llmbar/adversarial-gptout.json', 'utf8')) as { input: string }[];
    const experimentId = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "held out") { id } }')).createExperiment.id;
    const instructions = [gptout[0]!.input, 'Explain why the sky is blue.', 'Prove that the square root of two is irrational.'];
    const imported = dataOf(await app.gql<{ importInstructions: { accepted: number; excluded: number } }>(
      'mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted excluded } }',
      { id: experimentId, c: instructions.map((instruction) => JSON.stringify({ instruction })).join('\n') },
    )).importInstructions;
    expect(imported).toEqual({ accepted: 3, excluded: 1 });
    // The other direction: a benchmark imported later flags the instructions it contains.
    const later = dataOf(await app.gql<{ importBenchmark: { excludedInstructions: number } }>(
      'mutation ($c: String!, $m: BenchmarkMappingInput) { importBenchmark(name: "later", content: $c, format: PAIRWISE, subset: "mine", mapping: $m) { excludedInstructions } }',
      { c: JSON.stringify({ q: '  explain why the SKY is blue. ', good: 'Rayleigh scattering.', bad: 'It reflects the sea.' }), m: { prompt: 'q', chosen: 'good', rejected: 'bad' } },
    )).importBenchmark;
    expect(later.excludedInstructions).toBe(1);
    const stored = dataOf(await app.gql<{ experiment: { instructions: { edges: { node: { text: string; excludedReason: string | null } }[] } } }>(
      'query ($id: ID!) { experiment(id: $id) { instructions { edges { node { text excludedReason } } } } }',
      { id: experimentId },
    )).experiment.instructions.edges.map((e) => e.node);
    expect(stored.map((i) => i.excludedReason !== null)).toEqual([true, true, false]);
    expect(stored[1]!.excludedReason).toContain('"later"');
  });
});
