import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMPT_MARKERS } from '../../src/domain/prompts.js';
import { PAPER_CATEGORIES } from '../../src/services/experiments/preset.js';
import { startSimulator } from '../../src/sim/server.js';
import type { Simulator } from '../../src/sim/server.js';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { startRecorder } from '../helpers/recorder.js';
import type { Recorder } from '../helpers/recorder.js';

// Without the file's own categories, so that CATEGORIZE asks for every one.
const TWELVE = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8')
  .split('\n')
  .slice(0, 12)
  .map((line) => JSON.stringify({ instruction: (JSON.parse(line) as { turns: string[] }).turns[0] }))
  .join('\n');
const CONFIG = `config { samplesPerOrder temperature topP maxTokens categories keepCategories training { from } preset categorizeStyle categorizeMaxTokens }`;

type Categorized = { stage: { status: string; failures: { itemKey: string; error: string }[] }; categories: (string | null)[] };

describe.skipIf(NO_DATABASE)(`preset PAPER (${TEST_DB})`, () => {
  let simulator: Simulator;
  let recorder: Recorder;
  let app: TestApp;

  beforeAll(async () => {
    simulator = await startSimulator({ fineTuneMs: 50 });
    recorder = await startRecorder(simulator.url);
    app = await startTestApp({ OPENAI_BASE_URL: recorder.url, GENERATOR_MODEL: 'sim-generator', JUDGE_MODEL: 'sim-judge', STAGE_MAX_FAILURE_SHARE: '1' });
  });
  afterAll(async () => {
    await app?.stop();
    await recorder?.close();
    await simulator?.close();
  });

  async function create(config: Record<string, unknown>) {
    const response = await app.gql<{ createExperiment: { id: string; config: Record<string, unknown> } }>(
      `mutation ($c: ExperimentConfigInput) { createExperiment(name: "paper", config: $c) { id ${CONFIG} } }`,
      { c: config },
    );
    return dataOf(response).createExperiment;
  }

  async function categorize(id: string): Promise<Categorized> {
    dataOf(await app.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: TWELVE }));
    const stageId = dataOf(await app.gql<{ categorizeInstructions: { id: string } }>('mutation ($id: ID!) { categorizeInstructions(experimentId: $id) { id } }', { id })).categorizeInstructions.id;
    const stage = await eventually(async () => {
      const s = dataOf(await app.gql<{ stage: Categorized['stage'] }>('query ($id: ID!) { stage(id: $id) { status failures { itemKey error } } }', { id: stageId })).stage;
      return s.status === 'QUEUED' || s.status === 'RUNNING' ? undefined : s;
    }, 60_000, 100);
    const data = dataOf(await app.gql<{ experiment: { instructions: { edges: { node: { category: string | null } }[] } } }>(
      'query ($id: ID!) { experiment(id: $id) { instructions(first: 50) { edges { node { category } } } } }',
      { id },
    ));
    return { stage, categories: data.experiment.instructions.edges.map((e) => e.node.category) };
  }

  it("sets the paper's values, and a field sent explicitly still wins", async () => {
    const { config } = await create({ preset: 'PAPER' });
    expect(config).toEqual({
      samplesPerOrder: 15,
      temperature: 0.7,
      topP: 0.9,
      maxTokens: 4096,
      categories: PAPER_CATEGORIES,
      keepCategories: ['reasoning'],
      training: { from: 'SEED' },
      preset: 'PAPER',
      categorizeStyle: 'PAPER',
      categorizeMaxTokens: 1024,
    });
    expect((await create({ preset: 'PAPER', samplesPerOrder: 3, categorizeMaxTokens: 2048 })).config).toMatchObject({ samplesPerOrder: 3, categorizeMaxTokens: 2048, keepCategories: ['reasoning'] });
    expect((await create({})).config).toMatchObject({ preset: null, samplesPerOrder: 8, keepCategories: [], categorizeStyle: 'ONE_LINE', categorizeMaxTokens: 1024 });
  });

  it('refuses a preset whose keepCategories are not among the categories sent', async () => {
    const response = await app.gql('mutation { createExperiment(name: "bad", config: { preset: PAPER, categories: ["coding", "math"] }) { id } }');
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toContain('config.keepCategories');
  });

  it("asks the categoriser in the paper's style with room to think, and stores one listed category per instruction", async () => {
    const { id } = await create({ preset: 'PAPER' });
    const from = recorder.chats.length;
    const result = await categorize(id);
    expect(result.stage).toEqual({ status: 'SUCCEEDED', failures: [] });
    expect(result.categories).toHaveLength(12);
    for (const category of result.categories) expect(PAPER_CATEGORIES).toContain(category);
    const asked = recorder.chats.slice(from).filter((c) => c.messages[0]!.content.includes(PROMPT_MARKERS.categorize));
    expect(asked).toHaveLength(12);
    for (const chat of asked) {
      expect(chat.maxTokens).toBe(1024);
      expect(chat.messages[0]!.content).toContain(`${PROMPT_MARKERS.categorize}: ${PAPER_CATEGORIES.join(', ')}.`);
      expect(chat.messages[0]!.content).toContain('Think briefly if you need to, then end with one line of the form "Category: <name>"');
    }
  });

  it('keeps an instruction whose answer names no category as a failed item, never a guess', async () => {
    const { id } = await create({ preset: 'PAPER' });
    simulator.setOptions({ malformedRate: 1 });
    try {
      const result = await categorize(id);
      expect(result.categories).toEqual(Array(12).fill(null));
      expect(result.stage.failures).toHaveLength(12);
      for (const failure of result.stage.failures) {
        expect(failure.error).toBe('the answer names none of the categories: "This instruction does not fit neatly into a single category."');
      }
    } finally {
      simulator.setOptions({ malformedRate: 0 });
    }
  });

  it('keeps an answer cut off at categorizeMaxTokens as a failed item', async () => {
    const { id } = await create({ preset: 'PAPER', categorizeMaxTokens: 2 });
    const result = await categorize(id);
    expect(result.categories).toEqual(Array(12).fill(null));
    expect(result.stage.failures).toHaveLength(12);
    for (const failure of result.stage.failures) expect(failure.error).toMatch(/^the answer was cut off at categorizeMaxTokens \(2\): "Category"$/);
  });
});
