import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

const TWENTY = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 20).join('\n');

type Iteration = { id: string; index: number; judgeModel: string; trainedModel: string | null; status: string; stats: Record<string, unknown> };
type Pair = { instruction: { text: string }; chosen: string | null; modifiedInstruction: string | null; rejected: string | null; status: string; error: string | null };
type Run = { iterations: Iteration[]; pairs: Pair[]; selected: string[]; sft: string[]; judgments: string[] };

/** One whole 2-iteration loop on the simulator, and what it produced in a form free of ids. */
async function runLoop(app: TestApp, seed: number): Promise<Run> {
  const id = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation ($c: ExperimentConfigInput) { createExperiment(name: "repro", config: $c) { id } }', { c: { samplesPerOrder: 2, seed } })).createExperiment.id;
  dataOf(await app.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: TWENTY }));
  dataOf(await app.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 2) { id } }', { id }));
  const experiment = await eventually(async () => {
    const data = dataOf(await app.gql<{ experiment: { loop: { status: string }; iterations: Iteration[]; pairs: { edges: { node: Pair }[] } } }>(
      `query ($id: ID!) { experiment(id: $id) { loop { status }
        iterations { id index judgeModel trainedModel status stats { judgments correct incorrect unparseable ties selected selectedAWins selectedBWins } }
        pairs(first: 50) { edges { node { instruction { text } chosen modifiedInstruction rejected status error } } } } }`,
      { id },
    ));
    return data.experiment.loop.status === 'RUNNING' ? undefined : data.experiment;
  }, 120_000, 250);
  expect(experiment.loop.status).toBe('SUCCEEDED');
  const selected: string[] = [];
  const sft: string[] = [];
  const judgments: string[] = [];
  for (const iteration of experiment.iterations) {
    const lines = (await exportText(app, iteration.id, 'judgments')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const canonical = (l: Record<string, unknown>) => JSON.stringify([l.instruction, l.order, l.sample, l.verdict, l.correct, l.selected, l.model, l.reasoning]);
    judgments.push(lines.map(canonical).sort().join('\n'));
    selected.push(lines.filter((l) => l.selected).map(canonical).sort().join('\n'));
    sft.push(await exportText(app, iteration.id, 'openai-sft'));
  }
  const pairs = experiment.pairs.edges.map((e) => e.node).sort((a, b) => a.instruction.text.localeCompare(b.instruction.text));
  return { iterations: experiment.iterations, pairs, selected, sft, judgments };
}

async function exportText(app: TestApp, iterationId: string, format: string): Promise<string> {
  const response = await fetch(app.url.replace('/graphql', `/exports/iterations/${iterationId}/${format}.jsonl`));
  expect(response.status).toBe(200);
  return response.text();
}

describe.skipIf(NO_DATABASE)(`a run repeated with one seed (${TEST_DB})`, () => {
  let app: TestApp;
  let first: Run;
  let second: Run;
  let otherSeed: Run;

  beforeAll(async () => {
    app = await startTestApp();
    first = await runLoop(app, 7);
    second = await runLoop(app, 7);
    otherSeed = await runLoop(app, 8);
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
  });

  it('gives byte-identical selected sets and openai-sft exports in both iterations', () => {
    expect(first.sft).toHaveLength(2);
    expect(first.sft[0]!.length).toBeGreaterThan(0);
    expect(first.sft[1]!.length).toBeGreaterThan(0);
    expect(second.selected[0]).toBe(first.selected[0]);
    expect(second.selected[1]).toBe(first.selected[1]);
    expect(second.sft[0]).toBe(first.sft[0]);
    expect(second.sft[1]).toBe(first.sft[1]);
  });

  it('gives the same pairs, judgments, trained model names and counts', () => {
    expect(second.pairs).toEqual(first.pairs);
    expect(second.judgments).toEqual(first.judgments);
    const view = (r: Run) => r.iterations.map((i) => ({ index: i.index, judgeModel: i.judgeModel, trainedModel: i.trainedModel, status: i.status, stats: i.stats }));
    expect(view(second)).toEqual(view(first));
    expect(first.iterations[1]!.judgeModel).toBe(first.iterations[0]!.trainedModel);
    expect(first.iterations[1]!.trainedModel).toMatch(/^ft:sim-judge:sim:ste-it2:[0-9a-f]{8}$/);
  });

  it('gives different judgments with another seed (the comparison can fail)', () => {
    expect(otherSeed.judgments[0]).not.toBe(first.judgments[0]);
    expect(otherSeed.sft[0]).not.toBe(first.sft[0]);
  });
});
