/**
 * Model output that PostgreSQL cannot store as it came (a NUL character, an unpaired UTF-16
 * surrogate: what a server with broken decoding sends) is stored with U+FFFD in their place, in the
 * pairs' answers and the judgments; before, one such answer failed its batch's write on every retry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, NO_DATABASE, stageReader, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

const INSTRUCTIONS = Array.from({ length: 4 }, (_, i) => JSON.stringify({ instruction: `Explain step ${i + 1} of brewing tea, briefly.` })).join('\n');
type StageView = { status: string; total: number; done: number; failed: number };
type Connection<T> = { totalCount: number; edges: { node: T }[] };

describe.skipIf(NO_DATABASE)(`model output with characters PostgreSQL cannot store (${TEST_DB})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    // Every choice of every request starts with U+0000 and a lone \ud800.
    app = await startTestApp({ SIM_CONTROL_CHAR_RATE: '1' });
  });
  afterAll(async () => {
    await app?.stop();
  });
  const { waitFor } = stageReader<StageView>(() => app, 'status total done failed');

  it('stores the answers and every judgment with U+FFFD in their place, the stages succeeding without a failure', async () => {
    const id = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "nul", config: { samplesPerOrder: 2 }) { id } }')).createExperiment.id;
    dataOf(await app.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: INSTRUCTIONS }));
    const generate = dataOf(await app.gql<{ generatePairs: { id: string } }>('mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }', { id })).generatePairs.id;
    expect(await waitFor(generate, 'SUCCEEDED')).toEqual({ status: 'SUCCEEDED', total: 4, done: 4, failed: 0 });
    const pairs = dataOf(await app.gql<{ experiment: { pairs: Connection<{ status: string; chosen: string }> } }>(
      'query ($id: ID!) { experiment(id: $id) { pairs(first: 10) { totalCount edges { node { status chosen } } } } }',
      { id },
    )).experiment.pairs;
    expect(pairs.totalCount).toBe(4);
    for (const { node } of pairs.edges) {
      expect(node.status).toBe('READY');
      expect(node.chosen.startsWith('\uFFFD\uFFFD')).toBe(true);
    }

    const iterationId = dataOf(await app.gql<{ startIteration: { id: string } }>('mutation ($id: ID!) { startIteration(experimentId: $id) { id } }', { id })).startIteration.id;
    const judge = dataOf(await app.gql<{ judgePairs: { id: string } }>('mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }', { id: iterationId })).judgePairs.id;
    expect(await waitFor(judge, 'SUCCEEDED')).toEqual({ status: 'SUCCEEDED', total: 8, done: 8, failed: 0 });
    const judgments = dataOf(await app.gql<{ iteration: { judgments: Connection<{ reasoning: string; verdict: string }> } }>(
      'query ($id: ID!) { iteration(id: $id) { judgments(first: 50) { totalCount edges { node { reasoning verdict } } } } }',
      { id: iterationId },
    )).iteration.judgments;
    expect(judgments.totalCount).toBe(16);
    for (const { node } of judgments.edges) {
      expect(node.reasoning.startsWith('\uFFFD\uFFFD')).toBe(true);
      expect(node.reasoning.includes('\u0000')).toBe(false);
      // The verdict is read from the rest of the text, as without the two characters.
      expect(['A', 'B', 'TIE']).toContain(node.verdict);
    }
  });
});
