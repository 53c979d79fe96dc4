import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODIFIED_INSTRUCTION_TAGS, NOT_GOOD_FOR_ORIGINAL, PROMPT_MARKERS } from '../../src/domain/prompts.js';
import { startSimulator } from '../../src/sim/server.js';
import type { Simulator } from '../../src/sim/server.js';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { startRecorder } from '../helpers/recorder.js';
import type { Recorder, RecordedChat } from '../helpers/recorder.js';

const TWELVE = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 12);
const INSTRUCTIONS = TWELVE.map((line) => (JSON.parse(line) as { turns: string[] }).turns[0]!);

type PairView = { instruction: { text: string }; chosen: string | null; rejected: string | null; modifiedInstruction: string | null; status: string; error: string | null; construction: string; promptVersion: string };

describe.skipIf(NO_DATABASE)(`GENERATE_PAIRS as the paper builds pairs (${TEST_DB})`, () => {
  let simulator: Simulator;
  let recorder: Recorder;
  let app: TestApp;

  beforeAll(async () => {
    simulator = await startSimulator({ fineTuneMs: 50 });
    recorder = await startRecorder(simulator.url);
    app = await startTestApp({ OPENAI_BASE_URL: recorder.url, GENERATOR_MODEL: 'sim-generator', JUDGE_MODEL: 'sim-judge' });
  });
  afterAll(async () => {
    await app?.stop();
    await recorder?.close();
    await simulator?.close();
  });

  /** Creates an experiment, imports the twelve instructions, generates pairs and returns them with the requests it sent. */
  async function generate(config: Record<string, unknown>): Promise<{ pairs: PairView[]; chats: RecordedChat[]; config: Record<string, unknown> }> {
    const from = recorder.chats.length;
    const id = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation ($c: ExperimentConfigInput) { createExperiment(name: "pairs", config: $c) { id } }', { c: config })).createExperiment.id;
    dataOf(await app.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: TWELVE.join('\n') }));
    const stage = dataOf(await app.gql<{ generatePairs: { id: string } }>('mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }', { id })).generatePairs.id;
    await eventually(async () => {
      const { status } = dataOf(await app.gql<{ stage: { status: string } }>('query ($id: ID!) { stage(id: $id) { status } }', { id: stage })).stage;
      return status === 'SUCCEEDED' ? true : undefined;
    }, 60_000, 100);
    const data = dataOf(await app.gql<{ experiment: { config: Record<string, unknown>; pairs: { edges: { node: PairView }[] } } }>(
      `query ($id: ID!) { experiment(id: $id) {
        config { pairConstruction answerSystemPrompt pairFilters { maxAnswerSimilarity minLengthRatio maxLengthRatio maxInstructionSimilarity } }
        pairs(first: 50) { edges { node { instruction { text } chosen rejected modifiedInstruction status error construction promptVersion } } } } }`,
      { id },
    ));
    return { pairs: data.experiment.pairs.edges.map((e) => e.node), chats: recorder.chats.slice(from), config: data.experiment.config };
  }

  const isYl = (chat: RecordedChat) => chat.messages.some((m) => m.content.includes(PROMPT_MARKERS.modify) || m.content.includes(PROMPT_MARKERS.worseRewrite));

  it("asks for y_w with the instruction alone, then shows x and y_w in every x'/y_l request with the 'not a good response to the original' element", async () => {
    const { pairs, chats, config } = await generate({});
    expect(config).toEqual({
      pairConstruction: 'MODIFIED_INSTRUCTION',
      answerSystemPrompt: null,
      pairFilters: { maxAnswerSimilarity: 0.9, minLengthRatio: 0.2, maxLengthRatio: 5, maxInstructionSimilarity: 0.99 },
    });
    expect(chats).toHaveLength(24);
    expect(pairs).toHaveLength(12);
    const yw = chats.filter((c) => !isYl(c));
    const yl = chats.filter(isYl);
    expect(yw.map((c) => c.messages)).toEqual(expect.arrayContaining(INSTRUCTIONS.map((x) => [{ role: 'user', content: x }])));
    expect(yw).toHaveLength(12);
    expect(yl).toHaveLength(12);
    for (const pair of pairs) {
      const x = pair.instruction.text;
      expect(pair).toMatchObject({ status: 'READY', error: null, construction: 'MODIFIED_INSTRUCTION', promptVersion: 'modified-instruction/v2' });
      const answerRequest = yw.find((c) => c.messages[0]!.content === x)!;
      const requests = yl.filter((c) => c.messages[0]!.content.includes(`[The Start of User Instruction]\n${x}\n`));
      expect(requests).toHaveLength(1);
      const [request] = requests as [RecordedChat];
      expect(request.messages.map((m) => m.role)).toEqual(['user']);
      const text = request.messages[0]!.content;
      expect(text).toContain(`[The Start of Assistant's Answer]\n${pair.chosen!}\n[The End of Assistant's Answer]`);
      expect(text).toContain(NOT_GOOD_FOR_ORIGINAL);
      expect(text).toContain(MODIFIED_INSTRUCTION_TAGS.responseEnd);
      // y_w is asked for first: the x'/y_l request needs its text.
      expect(request.seq).toBeGreaterThan(answerRequest.seq);
      expect(pair.modifiedInstruction).not.toBe(x);
      expect(pair.rejected).not.toBe(pair.chosen);
    }
  });

  it('sends a system prompt with y_w only when the experiment sets one, and records the ablation on its pairs', async () => {
    const { pairs, chats, config } = await generate({ pairConstruction: 'WORSE_REWRITE', answerSystemPrompt: 'Answer briefly.' });
    expect(config).toMatchObject({ pairConstruction: 'WORSE_REWRITE', answerSystemPrompt: 'Answer briefly.' });
    const yw = chats.filter((c) => !isYl(c));
    expect(yw).toHaveLength(12);
    for (const chat of yw) expect(chat.messages.map((m) => [m.role, m.role === 'system' ? m.content : ''])).toEqual([['system', 'Answer briefly.'], ['user', '']]);
    const yl = chats.filter(isYl);
    expect(yl).toHaveLength(12);
    for (const chat of yl) expect(chat.messages[0]!.content).toContain(PROMPT_MARKERS.worseRewrite);
    expect(pairs).toHaveLength(12);
    for (const pair of pairs) {
      expect(pair).toMatchObject({ construction: 'WORSE_REWRITE', promptVersion: 'worse-rewrite/v1', modifiedInstruction: null });
      expect(yl.some((c) => c.messages[0]!.content.includes(pair.chosen!))).toBe(true);
    }
    expect(pairs.filter((p) => p.status === 'READY').length).toBeGreaterThanOrEqual(10);
    for (const pair of pairs.filter((p) => p.status === 'REJECTED')) expect(pair.error).toMatch(/^y_l nearly identical to y_w \(bigram overlap 0\.\d{3} > 0\.9\)$/);
  });

  it('rejects a pair that fails a filter with the measured value, and refuses a bad filter', async () => {
    const { pairs } = await generate({ pairFilters: { minLengthRatio: 4.5, maxLengthRatio: 5 } });
    expect(pairs).toHaveLength(12);
    for (const pair of pairs) {
      expect(pair.status).toBe('REJECTED');
      expect(pair.error).toMatch(/^length ratio y_l\/y_w \d+\.\d{3} outside \[4\.5, 5\]$/);
    }
    const bad = await app.gql('mutation { createExperiment(name: "bad", config: { pairFilters: { maxAnswerSimilarity: 2 } }) { id } }');
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.message).toContain('config.pairFilters.maxAnswerSimilarity');
  });
});
