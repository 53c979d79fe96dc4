import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { RawWs, wsUrl } from '../helpers/ws.js';
import type { WsMessage } from '../helpers/ws.js';

const FOUR = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 4).join('\n');

type View = { loop: { status: string } | null; iterations: { id: string; status: string; trainedModel: string | null }[] };

describe.skipIf(NO_DATABASE)(`ste register (${TEST_DB})`, () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
  });

  it("tells subscribers when an iteration waits for its model; ste register names an EXTERNAL trainer's model, and the loop goes on", async () => {
    const id = dataOf(await app.gql<{ createExperiment: { id: string } }>(
      'mutation { createExperiment(name: "ext", config: { samplesPerOrder: 2, training: { backend: EXTERNAL } }) { id } }',
    )).createExperiment.id;
    dataOf(await app.gql('mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }', { id, content: FOUR }));
    const ws = await RawWs.connect(wsUrl(app.url));
    ws.subscribe('it', 'subscription ($id: ID!) { iterationUpdated(experimentId: $id) { index status trainedModel } }', { id });
    const updates = new Map<WsMessage, string>(); // next() may look at a message more than once
    const seen = (status: string) => (m: WsMessage) => {
      if (m.type !== 'next' || m.id !== 'it') return false;
      const update = (m.payload as { data: { iterationUpdated: { status: string } } }).data.iterationUpdated;
      updates.set(m, update.status);
      return update.status === status;
    };
    // The subscription is live once the server answers on the socket; a query on it proves that.
    ws.subscribe('q', '{ serviceInfo { version } }');
    await ws.result('q');
    dataOf(await app.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id }));
    await ws.next(seen('AWAITING_MODEL'));
    // In lifecycle order, ending with AWAITING_MODEL (changes close together may arrive as one, the latest).
    const order = ['PENDING', 'RUNNING', 'AWAITING_MODEL'];
    const statuses = [...updates.values()];
    expect(statuses.at(-1)).toBe('AWAITING_MODEL');
    expect(statuses.map((st) => order.indexOf(st))).toEqual([...statuses.map((st) => order.indexOf(st))].sort());
    expect(statuses.every((st) => order.includes(st))).toBe(true);
    const view = async () => dataOf(await app.gql<{ experiment: View }>('query ($id: ID!) { experiment(id: $id) { loop { status } iterations { id status trainedModel } } }', { id })).experiment;
    const waiting = await eventually(async () => {
      const v = await view();
      return v.iterations[0]?.status === 'AWAITING_MODEL' ? v.iterations[0] : undefined;
    }, 120_000, 200);

    const registered = await runCli(['register', waiting.id, 'my-trl-judge-it1'], app.url);
    expect(registered).toMatchObject({ code: 0, stderr: '' });
    expect(registered.stdout).toBe(`iteration 1 (id ${waiting.id}) SUCCEEDED: trained model my-trl-judge-it1\n`);
    const done = await eventually(async () => {
      const v = await view();
      return v.loop?.status === 'RUNNING' ? undefined : v;
    }, 60_000, 200);
    expect(done.loop?.status).toBe('SUCCEEDED');
    expect(done.iterations[0]!.trainedModel).toBe('my-trl-judge-it1');
    await ws.next(seen('SUCCEEDED'));
    ws.socket.close();

    const again = await runCli(['register', waiting.id, 'another'], app.url);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`iteration ${waiting.id} is SUCCEEDED, not AWAITING_MODEL`);
  }, 180_000);
});
