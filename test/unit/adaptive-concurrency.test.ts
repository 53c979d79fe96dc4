/**
 * Adaptive concurrency against the simulator's hard cap: a client configured for 64 requests in
 * flight finds a cap of 16 (the simulator answers 429 above it) instead of hammering it, and its
 * 429s stop growing once found. Counts only, no timings.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { EndpointLimiter } from '../../src/llm/limiter.js';
import { createLlmClient } from '../../src/llm/index.js';
import { DEFAULT_JUDGE_TEMPLATE, judgePrompt } from '../../src/domain/prompts.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const judge = (i: number) => ({
  model: 'sim-judge',
  messages: judgePrompt(DEFAULT_JUDGE_TEMPLATE, `Question ${i}: why is the sky blue?`, `Answer A ${i}: scattering.`, `Answer B ${i}: the sea.`),
  max_tokens: 64,
  seed: i,
});

const rateLimited = (sim: Simulator) => sim.stats().log.filter((e) => e.outcome === 'rate_limited').length;

describe('adaptive concurrency', () => {
  it('converges near a hard cap of 16 from a configured 64, and its 429s stop growing', async () => {
    const sim = await startSimulator({ maxConcurrency: 16, latencyMs: 40, retryAfterMs: 5 });
    cleanups.push(() => sim.close());
    const llm = createLlmClient({ baseURL: sim.url, apiKey: 'k', concurrency: 64, maxRetries: 2, backoffBaseMs: 1, backoffMaxMs: 5, timeoutMs: 10_000 });
    cleanups.push(() => llm.close());

    // Four rounds of 200 calls, 800 in all, each round with all of them queued at once.
    const after: { limit: number; rateLimited: number; sim429: number }[] = [];
    for (let round = 0; round < 4; round++) {
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => llm.chat(judge(round * 200 + i))));
      expect(results).toHaveLength(200);
      const stats = llm.stats();
      after.push({ limit: stats.concurrencyLimit, rateLimited: stats.rateLimited, sim429: rateLimited(sim) });
    }
    // The client counts every 429 the simulator sent.
    expect(after.map((a) => a.rateLimited)).toEqual(after.map((a) => a.sim429));
    // The first round finds the cap from above (a 429 lowers the limit below what was in flight,
    // which counts answers still on their way back too); from then on it stays near 16.
    expect(after[0]!.limit).toBeLessThan(64);
    for (const a of after.slice(1)) {
      expect(a.limit).toBeGreaterThanOrEqual(12);
      expect(a.limit).toBeLessThanOrEqual(17);
    }
    // The first wave's excess costs 429s (at most the 48 over the cap, and a few more as the
    // limit comes down); once found, the cap costs almost none: 429s stop growing.
    expect(after[0]!.rateLimited).toBeGreaterThan(0);
    expect(after[0]!.rateLimited).toBeLessThan(100);
    expect(after[3]!.rateLimited - after[1]!.rateLimited).toBeLessThanOrEqual(4);
  });

  it('keeps the configured concurrency when adaptation is off, and lowers and regrows the limit by AIMD', () => {
    const fixed = new EndpointLimiter({ concurrency: 8, requestsPerMinute: 0, tokensPerMinute: 0, adaptive: false });
    fixed.onRateLimited();
    expect([fixed.concurrencyLimit, fixed.rateLimited]).toEqual([8, 1]);

    const l = new EndpointLimiter({ concurrency: 8, requestsPerMinute: 0, tokensPerMinute: 0 });
    for (let i = 0; i < 8; i++) void l.acquire(0);
    expect(l.inFlight).toBe(8);
    // A 429 with 8 in flight: the endpoint took at most 7.
    l.onRateLimited();
    l.release();
    expect(l.concurrencyLimit).toBe(7);
    // Another of the same burst with 7 in flight: 6.
    l.onRateLimited();
    l.release();
    expect(l.concurrencyLimit).toBe(6);
    // It holds at 6 for 128 successes, then grows by one per 6 successes.
    for (let i = 0; i < 127; i++) l.onSuccess();
    expect(l.concurrencyLimit).toBe(6);
    for (let i = 0; i < 7; i++) l.onSuccess();
    expect(l.concurrencyLimit).toBe(7);
    for (let i = 0; i < 100; i++) l.onSuccess();
    expect(l.concurrencyLimit).toBe(8);
    expect(l.rateLimited).toBe(2);
  });

  it('is on by default, off with LLM_ADAPTIVE_CONCURRENCY=false or per endpoint in STE_CONFIG', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ste-aimd-')), 'ste.json');
    writeFileSync(file, JSON.stringify({ endpoints: { gpu: { baseUrl: 'http://10.0.0.5:8000/v1', adaptiveConcurrency: false }, api: { baseUrl: 'http://10.0.0.6:8000/v1' } } }));
    const adaptive = (env: Record<string, string>) => Object.fromEntries(loadConfig(env, []).endpoints.map((e) => [e.name, e.adaptiveConcurrency]));
    expect(adaptive({ STE_CONFIG: file })).toEqual({ default: true, gpu: false, api: true });
    expect(adaptive({ STE_CONFIG: file, LLM_ADAPTIVE_CONCURRENCY: 'false' })).toEqual({ default: false, gpu: false, api: false });
    writeFileSync(file, JSON.stringify({ endpoints: { gpu: { baseUrl: 'http://10.0.0.5:8000/v1', adaptiveConcurrency: 'no' } } }));
    expect(() => loadConfig({ STE_CONFIG: file }, [])).toThrow(/endpoints\.gpu\.adaptiveConcurrency must be true or false$/);
  });
});
