import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

type GqlError = { message: string; extensions?: { code?: string; field?: string } };

describe.skipIf(NO_DATABASE)(`bad input to the mutations (${TEST_DB})`, () => {
  let app: TestApp;
  let experimentId: string;
  const counts = async () =>
    dataOf(await app.gql<{ experiments: { edges: { node: { id: string; instructionCount: number; iterations: unknown[]; stages: unknown[] } }[] } }>(
      '{ experiments { edges { node { id instructionCount iterations { id } stages { id } } } } }',
    ));

  beforeAll(async () => {
    app = await startTestApp();
    experimentId = dataOf(await app.gql<{ createExperiment: { id: string } }>('mutation { createExperiment(name: "bad") { id } }')).createExperiment.id;
  });
  afterAll(async () => {
    await app?.stop();
  });

  const cases: [string, string, Record<string, unknown>, string, ('BAD_USER_INPUT' | 'NOT_FOUND')?][] = [
    ['an unknown experiment', 'mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }', { id: '424242' }, 'experimentId', 'NOT_FOUND'],
    ['an id that is not a number', 'mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }', { id: 'abc' }, 'iterationId'],
    ['an unknown iteration', 'mutation ($id: ID!) { selectJudgments(iterationId: $id) { id } }', { id: '99' }, 'iterationId', 'NOT_FOUND'],
    ['an unknown stage', 'mutation ($id: ID!) { cancelStage(stageId: $id) { id } }', { id: '77' }, 'stageId', 'NOT_FOUND'],
    ['N out of range', 'mutation { createExperiment(name: "n", config: { samplesPerOrder: 0 }) { id } }', {}, 'config.samplesPerOrder'],
    ['N too large', 'mutation { createExperiment(name: "n", config: { samplesPerOrder: 65 }) { id } }', {}, 'config.samplesPerOrder'],
    ['a temperature out of range', 'mutation { createExperiment(name: "n", config: { temperature: 3 }) { id } }', {}, 'config.temperature'],
    ['an invalid verdict pattern', 'mutation { createExperiment(name: "n", config: { judgeTemplate: { system: "", user: "{question} {answer_a} {answer_b}", verdictA: "(", verdictB: "B" } }) { id } }', {}, 'config.judgeTemplate.verdictA'],
    ['a verdict pattern with a backreference', 'mutation { createExperiment(name: "n", config: { judgeTemplate: { system: "", user: "{question} {answer_a} {answer_b}", verdictA: "(A)\\\\1", verdictB: "B" } }) { id } }', {}, 'config.judgeTemplate.verdictA'],
    ['a verdict pattern too complex for linear matching', 'mutation ($t: JudgeTemplateInput) { createExperiment(name: "n", config: { judgeTemplate: $t }) { id } }', { t: { system: '', user: '{question} {answer_a} {answer_b}', verdictA: 'A', verdictB: 'B', verdictTie: '[ab]*a[ab]{20}' } }, 'config.judgeTemplate.verdictTie'],
    ['a template without a placeholder', 'mutation { createExperiment(name: "n", config: { judgeTemplate: { system: "", user: "{question} {answer_a}", verdictA: "A", verdictB: "B" } }) { id } }', {}, 'config.judgeTemplate.user'],
    ['a kept category that is not offered', 'mutation { createExperiment(name: "n", config: { keepCategories: ["poetry"] }) { id } }', {}, 'config.keepCategories'],
    ['an empty name', 'mutation { createExperiment(name: "  ") { id } }', {}, 'name'],
    ['too many loop iterations', 'mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 0) { id } }', { id: '1' }, 'iterations'],
    ['an unknown bundled set', 'mutation ($id: ID!) { importBundledInstructions(experimentId: $id, name: "nope") { accepted } }', { id: '1' }, 'name'],
  ];

  it.each(cases)('rejects %s with BAD_USER_INPUT (NOT_FOUND for an unknown id) naming the field, storing nothing', async (_name, query, variables, field, code = 'BAD_USER_INPUT') => {
    const before = await counts();
    const response = await app.gql(query, { ...variables, id: variables.id === '1' ? experimentId : variables.id });
    const error = response.errors?.[0] as GqlError | undefined;
    expect(error?.extensions?.code).toBe(code);
    expect(error?.extensions?.field).toBe(field);
    expect(error?.message).toContain(field);
    expect(await counts()).toEqual(before);
  });

  it('refuses stages out of order with CONFLICT', async () => {
    const empty = await app.gql('mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }', { id: experimentId });
    expect((empty.errors?.[0] as GqlError).message).toMatch(/no instructions/);
    const iteration = dataOf(await app.gql<{ startIteration: { id: string } }>('mutation ($id: ID!) { startIteration(experimentId: $id) { id } }', { id: experimentId })).startIteration.id;
    for (const mutation of ['judgePairs', 'selectJudgments', 'trainJudge']) {
      const response = await app.gql(`mutation ($id: ID!) { ${mutation}(iterationId: $id) { id } }`, { id: iteration });
      expect((response.errors?.[0] as GqlError).extensions?.code).toBe('CONFLICT');
    }
    const second = await app.gql('mutation ($id: ID!) { startIteration(experimentId: $id) { id } }', { id: experimentId });
    expect((second.errors?.[0] as GqlError).message).toMatch(/needs its trained judge/);
    const register = await app.gql('mutation ($id: ID!) { registerJudgeModel(iterationId: $id, model: "m") { id } }', { id: iteration });
    expect((register.errors?.[0] as GqlError).message).toMatch(/not AWAITING_MODEL/);
  });

  it('stores nothing from an import batch with a bad line, and says which line and why', async () => {
    const content = ['{"instruction": "Explain entropy."}', 'not json', '{"prompt": ""}', '{"text": "Explain entropy."}'].join('\n');
    const result = dataOf(await app.gql<{ importInstructions: { accepted: number; stored: boolean; rejected: { line: number; reason: string }[]; instructionCount: number } }>(
      'mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted stored rejected { line reason } instructionCount } }',
      { id: experimentId, c: content },
    )).importInstructions;
    expect(result.stored).toBe(false);
    expect(result.accepted).toBe(0);
    expect(result.instructionCount).toBe(0);
    expect(result.rejected.map((r) => r.line)).toEqual([2, 3]);
    expect(result.rejected[0]!.reason).toMatch(/JSON/);
  });

  it('reports duplicates of stored instructions without storing them twice', async () => {
    const content = '{"instruction": "Prove that there are infinitely many primes."}\n{"instruction": "prove that  there are infinitely many primes."}';
    const first = dataOf(await app.gql<{ importInstructions: { accepted: number; duplicates: { line: number; duplicateOfLine: number | null }[] } }>(
      'mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted duplicates { line duplicateOfLine } } }',
      { id: experimentId, c: content },
    )).importInstructions;
    expect(first).toEqual({ accepted: 1, duplicates: [{ line: 2, duplicateOfLine: 1 }] });
    const again = dataOf(await app.gql<{ importInstructions: { accepted: number; duplicates: { line: number; duplicateOfLine: number | null }[] } }>(
      'mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted duplicates { line duplicateOfLine } } }',
      { id: experimentId, c: content },
    )).importInstructions;
    expect(again.accepted).toBe(0);
    expect(again.duplicates).toContainEqual({ line: 1, duplicateOfLine: null });
  });
});

describe.skipIf(NO_DATABASE)(`shutdown (${TEST_DB})`, () => {
  it('closes every server, socket and timer it opened', async () => {
    const baseline = countResources();
    const app = await startTestApp();
    dataOf(await app.gql('{ serviceInfo { database } }'));
    await app.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = countResources();
    for (const kind of ['TCPServerWrap', 'TCPSocketWrap']) expect(after[kind] ?? 0).toBeLessThanOrEqual(baseline[kind] ?? 0);
  });
});

function countResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}
