/**
 * The llm client against the project's OpenAI-compatible simulator: the n fallback, fault
 * tolerance under injected 500s and hung requests, 429s beyond the simulator's concurrency, and
 * the fine-tuning round trip.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLlmClient, type EndpointOptions, type EndpointStats, type LlmClient } from '../../src/llm/index.js';
import { DEFAULT_JUDGE_TEMPLATE, judgePrompt } from '../../src/services/prompts.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(sim: Partial<SimulatorOptions>, llm: Partial<EndpointOptions> = {}): Promise<{ sim: Simulator; llm: LlmClient & { stats(): EndpointStats } }> {
  const simulator = await startSimulator(sim);
  cleanups.push(() => simulator.close());
  const client = createLlmClient({
    baseURL: simulator.url,
    apiKey: 'sim-key',
    timeoutMs: 5_000,
    maxRetries: 10,
    backoffBaseMs: 2,
    backoffMaxMs: 20,
    ...llm,
  });
  cleanups.push(() => client.close());
  return { sim: simulator, llm: client };
}

const judge = (i: number, extra: Record<string, unknown> = {}) => ({
  model: 'sim-judge',
  messages: judgePrompt(DEFAULT_JUDGE_TEMPLATE, `Question ${i}: how do tides work?`, `Answer A ${i}: the moon's gravity.`, `Answer B ${i}: the wind.`),
  temperature: 0.7,
  top_p: 0.9,
  max_tokens: 256,
  seed: 1_000 + i,
  ...extra,
});

describe('createLlmClient against the simulator', () => {
  it('collects n choices over several requests when the simulator caps choices per request', async () => {
    const { sim, llm } = await setup({ maxN: 3 });
    const result = await llm.chat(judge(0, { n: 8, seed: 42 }));
    expect(result.choices).toHaveLength(8);
    expect(result.choices.every((c) => c.text.length > 0)).toBe(true);
    expect(result.requests).toBe(3);
    const log = sim.stats().log;
    expect(log.map((e) => e.outcome)).toEqual(['ok', 'ok', 'ok']);
    expect(log.map((e) => e.seed).sort((a, b) => Number(a) - Number(b))).toEqual([42, 43, 44]);
    expect(log.map((e) => e.n).sort((a, b) => a - b)).toEqual([2, 3, 8]);
    expect(log.reduce((sum, e) => sum + e.choices, 0)).toBe(8);
  });

  it('returns every result under a 30% error rate and some hung requests', async () => {
    const { sim, llm } = await setup({ errorRate: 0.3, timeoutRate: 0.05, latencyMs: 2, seed: 11 }, { timeoutMs: 300, concurrency: 16 });
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => llm.chat(judge(i, { n: 2, tags: { stage: 'JUDGE' } }))));
    expect(results.every((r) => r.choices.length === 2)).toBe(true);
    const stats = sim.stats();
    expect(stats.faults.errors500).toBeGreaterThan(0);
    expect(stats.faults.timeouts).toBeGreaterThan(0);
    // every request the simulator saw is an attempt the client counted, and nothing was lost
    const usage = llm.usage().total;
    expect(usage).toMatchObject({ calls: 60, failedCalls: 0, requests: 60 });
    expect(usage.attempts).toBe(stats.requests.total);
    expect(stats.requests.byOutcome.ok).toBe(60);
  });

  it('stays within the simulator concurrency without a single 429 when configured to match it', async () => {
    const { sim, llm } = await setup({ maxConcurrency: 4, latencyMs: 10 }, { concurrency: 4 });
    await Promise.all(Array.from({ length: 40 }, (_, i) => llm.chat(judge(i))));
    expect(sim.stats().requests.byOutcome).toMatchObject({ ok: 40, rate_limited: 0 });
  });

  it('backs off on 429s beyond the simulator concurrency and still completes every call', async () => {
    const { sim, llm } = await setup({ maxConcurrency: 2, latencyMs: 10, retryAfterMs: 30 }, { concurrency: 8, maxRetries: 60 });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => llm.chat(judge(i))));
    expect(results).toHaveLength(30);
    const stats = sim.stats();
    expect(stats.requests.byOutcome.ok).toBe(30);
    expect(stats.requests.byOutcome.rate_limited).toBeGreaterThan(0);
    expect(llm.usage().total.attempts).toBe(stats.requests.total);
  });

  it('uploads training data, runs a fine-tuning job to success and lists the new model', async () => {
    const { sim, llm } = await setup({ fineTuneMs: 0 });
    const lines = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({ messages: [...judge(i).messages, { role: 'assistant', content: 'A explains the cause correctly. [[A]]' }] }),
    );
    const file = await llm.uploadFile('judge-sft.jsonl', lines.join('\n') + '\n', 'fine-tune');
    expect(file).toMatchObject({ purpose: 'fine-tune', filename: 'judge-sft.jsonl' });
    const created = await llm.createFineTuningJob({ model: 'sim-judge', trainingFile: file.id, method: 'supervised', suffix: 'it1', seed: 3, hyperparameters: { nEpochs: 2 } });
    let job = created;
    for (let i = 0; i < 100 && !['succeeded', 'failed', 'cancelled'].includes(job.status); i++) {
      await new Promise((r) => setTimeout(r, 10));
      job = await llm.retrieveFineTuningJob(created.id);
    }
    expect(job.status).toBe('succeeded');
    expect(job.fine_tuned_model).toBeTruthy();
    const { events } = await llm.listFineTuningEvents(created.id);
    expect(events.length).toBeGreaterThan(0);
    expect((await llm.listModels()).map((m) => m.id)).toContain(job.fine_tuned_model);
    const answer = await llm.chat(judge(0, { model: job.fine_tuned_model! }));
    expect(answer.choices).toHaveLength(1);
    expect(sim.stats().fineTuning.succeeded).toBe(1);
  });

  it('reports an unknown model as a permanent failure after one request', async () => {
    const { sim, llm } = await setup({});
    await expect(llm.chat(judge(0, { model: 'no-such-model' }))).rejects.toMatchObject({ kind: 'permanent', status: 404, attempts: 1 });
    expect(sim.stats().requests.total).toBe(1);
  });
});
