import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startSimulator } from '../../src/sim/server.js';
import type { Simulator } from '../../src/sim/server.js';
import { eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { RawWs, wsUrl } from '../helpers/ws.js';

const MARKER = `sk-marker-${Math.random().toString(36).slice(2)}-do-not-leak`;
const FIVE = readFileSync('data/instructions/mt-bench-questions.jsonl', 'utf8').split('\n').slice(0, 5).join('\n');

/**
 * A proxy in front of the simulator that checks the key arrives, and answers the first chat
 * requests with a 500 whose body echoes the Authorization header: the worst an endpoint can do.
 */
async function echoingProxy(target: string): Promise<{ url: string; withKey: () => number; close(): Promise<void> }> {
  let withKey = 0;
  let chats = 0;
  const server = http.createServer((req, res) => {
    if (req.headers.authorization === `Bearer ${MARKER}`) withKey++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const chat = req.url?.endsWith('/chat/completions') ?? false;
      // Transient at first (retried), permanent for the unknown model: the stage's check before
      // sending asks for it by id (GET /models/no-such-model), and its failure is the stage's error.
      const unknownModel = req.url?.endsWith('/models/no-such-model') ?? false;
      const status = chat && ++chats <= 3 ? 500 : chat && body.includes('no-such-model') ? 400 : unknownModel ? 404 : 0;
      if (status) {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `upstream refused ${req.headers.authorization ?? ''}`, type: 'invalid_request_error' } }));
        return;
      }
      const forward = http.request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    withKey: () => withKey,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(NO_DATABASE)(`secrets (${TEST_DB})`, () => {
  let simulator: Simulator;
  let proxy: Awaited<ReturnType<typeof echoingProxy>>;
  let app: TestApp;
  const logs: string[] = [];
  const responses: string[] = [];

  beforeAll(async () => {
    simulator = await startSimulator({ fineTuneMs: 50 });
    proxy = await echoingProxy(simulator.url.replace(/\/v1$/, '/'));
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString());
        done();
      },
    });
    app = await startTestApp(
      { OPENAI_BASE_URL: proxy.url, OPENAI_API_KEY: MARKER, GENERATOR_MODEL: 'sim-generator', JUDGE_MODEL: 'sim-judge', LLM_MAX_RETRIES: '2' },
      {},
      { logger: createLogger('trace', destination) },
    );
  });
  afterAll(async () => {
    await app?.stop();
    await proxy?.close();
    await simulator?.close();
  });

  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const text = await response.text();
    responses.push(text);
    return JSON.parse(text) as { data: Record<string, { id: string; loop?: { status: string } }> };
  };

  it('never shows the endpoint key in a response, a WebSocket message or a log line during a whole loop', async () => {
    const { id } = (await gql('mutation { createExperiment(name: "secret", config: { samplesPerOrder: 1 }) { id } }')).data.createExperiment!;
    const ws = await RawWs.connect(wsUrl(app.url));
    ws.socket.on('message', (data: Buffer) => responses.push(data.toString()));
    ws.subscribe('s', `subscription { stageUpdated(experimentId: "${id}") { id kind status error message failures { error } } }`);
    await gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: FIVE });
    await gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id });
    await eventually(async () => ((await gql('query ($id: ID!) { experiment(id: $id) { id loop { status } } }', { id })).data.experiment!.loop!.status === 'RUNNING' ? undefined : true), 60_000, 200);
    // A model the endpoint does not know: a permanent failure with the endpoint's own message.
    const other = (await gql('mutation { createExperiment(name: "unknown model", config: { samplesPerOrder: 1, generatorModel: "no-such-model" }) { id } }')).data.createExperiment!.id;
    await gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id: other, c: FIVE });
    const stage = (await gql('mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }', { id: other })).data.generatePairs!.id;
    await eventually(async () => {
      const status = ((await gql('query ($id: ID!) { stage(id: $id) { id status } }', { id: stage })).data.stage as unknown as { status: string }).status;
      return status === 'RUNNING' || status === 'QUEUED' ? undefined : true;
    }, 60_000, 200);

    const everything = await gql(`query ($a: ID!, $b: ID!) {
      serviceInfo { endpoint database role version }
      a: experiment(id: $a) { id config { generatorModel judgeModel } stages { error message stats failures { itemKey error attempts } }
        iterations { id trainedModel error trainingJob { status lastEvent error fileId externalJobId } judgments(first: 50) { edges { node { reasoning model finishReason } } } } }
      b: experiment(id: $b) { id stages { error message stats failures { itemKey error attempts } } pairs(first: 10) { edges { node { error rawOutput } } } } }`, { a: id, b: other });
    const iterationId = (everything.data.a as unknown as { iterations: { id: string }[] }).iterations[0]!.id;
    for (const format of ['judgments', 'openai-sft']) {
      responses.push(await (await fetch(app.url.replace('/graphql', `/exports/iterations/${iterationId}/${format}.jsonl`))).text());
    }
    ws.close();

    // The checks below can fail: the key did reach the endpoint, errors and logs were written.
    expect(proxy.withKey()).toBeGreaterThan(10);
    expect(logs.join('')).toMatch(/llm retry/);
    expect(JSON.stringify(everything)).toMatch(/failures|error/);
    expect(responses.join('\n')).toMatch(/upstream refused/);
    for (const text of [...logs, ...responses]) expect(text.includes(MARKER), text.slice(0, 500)).toBe(false);
  });
});
