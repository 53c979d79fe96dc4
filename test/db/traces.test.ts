/**
 * OpenTelemetry traces: with OTEL_EXPORTER_OTLP_ENDPOINT set, a stage's batches and its LLM calls
 * arrive as spans (OTLP/HTTP, JSON) at an in-process receiver, with the stage and iteration as
 * attributes and each call's span a child of its batch's.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

type AnyValue = { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
type OtlpSpan = { traceId: string; spanId: string; parentSpanId?: string; name: string; attributes: { key: string; value: AnyValue }[] };
type Received = { resourceSpans: { resource: { attributes: { key: string; value: AnyValue }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[] };

const attrs = (list: { key: string; value: AnyValue }[]) =>
  Object.fromEntries(list.map(({ key, value }) => [key, value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue))]));

const INSTRUCTIONS = Array.from({ length: 6 }, (_, i) => JSON.stringify({ instruction: `Give ${i + 2} tips for learning to juggle.` })).join('\n');

describe.skipIf(NO_DATABASE)(`OpenTelemetry traces (${TEST_DB})`, () => {
  const bodies: Received[] = [];
  const contentTypes: string[] = [];
  let receiver: http.Server;
  let app: TestApp | undefined;

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/v1/traces') {
          contentTypes.push(req.headers['content-type'] ?? '');
          bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    app = await startTestApp({ SIM_LATENCY_MS: '5', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/` });
  });
  afterAll(async () => {
    await app?.stop();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('sends a span per stage batch and per LLM request, with the stage and iteration', async () => {
    const a = app!;
    const waitFor = (id: string) =>
      eventually(async () => {
        const { stage } = dataOf(await a.gql<{ stage: { status: string; total: number } }>(`query ($id: ID!) { stage(id: $id) { status total } }`, { id }));
        return stage.status === 'SUCCEEDED' ? stage : undefined;
      }, 60_000);
    const id = dataOf(await a.gql<{ createExperiment: { id: string } }>(`mutation { createExperiment(name: "traced", config: { samplesPerOrder: 1 }) { id } }`)).createExperiment.id;
    dataOf(await a.gql(`mutation ($id: ID!, $content: String!) { importInstructions(experimentId: $id, content: $content) { accepted } }`, { id, content: INSTRUCTIONS }));
    await waitFor(dataOf(await a.gql<{ generatePairs: { id: string } }>(`mutation ($id: ID!) { generatePairs(experimentId: $id) { id } }`, { id })).generatePairs.id);
    const iteration = dataOf(await a.gql<{ startIteration: { id: string } }>(`mutation ($id: ID!) { startIteration(experimentId: $id) { id } }`, { id })).startIteration.id;
    const judgeId = dataOf(await a.gql<{ judgePairs: { id: string } }>(`mutation ($id: ID!) { judgePairs(iterationId: $id) { id } }`, { id: iteration })).judgePairs.id;
    const judge = await waitFor(judgeId);
    // Stopping the app flushes the spans still buffered.
    await a.stop();
    app = undefined;

    expect(contentTypes.length).toBeGreaterThan(0);
    expect(contentTypes.every((t) => t.startsWith('application/json'))).toBe(true);
    const resources = bodies.flatMap((b) => b.resourceSpans);
    expect(new Set(resources.map((r) => attrs(r.resource.attributes)['service.name']))).toEqual(new Set(['ste-all']));
    const spans = resources.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)).map((s) => ({ ...s, attributes: attrs(s.attributes) }));

    const batches = spans.filter((s) => s.name === 'ste.stage_batch' && s.attributes['ste.stage.id'] === Number(judgeId));
    expect(batches.length).toBeGreaterThan(0);
    for (const b of batches) {
      expect(b.attributes).toMatchObject({ 'ste.stage.kind': 'JUDGE', 'ste.iteration.id': Number(iteration), 'ste.experiment.id': Number(id) });
    }
    expect(batches.reduce((n, b) => n + Number(b.attributes['ste.batch.items']), 0)).toBe(judge.total);

    const calls = spans.filter((s) => s.name === 'chat.completions' && s.attributes['ste.stage'] === 'JUDGE');
    expect(calls).toHaveLength(judge.total);
    const batchIds = new Set(batches.map((b) => b.spanId));
    for (const c of calls) {
      expect(c.attributes).toMatchObject({ 'ste.endpoint': 'default', 'gen_ai.request.model': 'sim-judge', 'ste.iteration': iteration, 'ste.experiment': id, 'http.response.status_code': 200 });
      expect(batchIds.has(c.parentSpanId!)).toBe(true);
    }
  });
});
