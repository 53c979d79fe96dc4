/**
 * The llm client against the project's OpenAI-compatible simulator: the n fallback, fault
 * tolerance under injected 500s and hung requests, 429s beyond the simulator's concurrency (they
 * do not use up the retries; a request gives up after its rate-limit wait), the switch to
 * max_completion_tokens for models that refuse max_tokens, and the fine-tuning round trip.
 * The 429-storm tests turn adaptive concurrency off: it would stop the storm they test
 * (test/unit/adaptive-concurrency.test.ts covers it).
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createLlmClient, LlmError, type ChatRequest, type EndpointOptions, type EndpointStats, type LlmClient, type LlmClientDeps } from '../../src/llm/index.js';
import { DEFAULT_JUDGE_TEMPLATE, judgePrompt } from '../../src/domain/prompts.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const LLM_DEFAULTS = { apiKey: 'sim-key', timeoutMs: 5_000, maxRetries: 10, backoffBaseMs: 2, backoffMaxMs: 20 } as const;

async function startSim(sim: Partial<SimulatorOptions>): Promise<Simulator> {
  const simulator = await startSimulator(sim);
  cleanups.push(() => simulator.close());
  return simulator;
}

function client(sim: Simulator, llm: Partial<EndpointOptions> = {}, deps: LlmClientDeps = {}): LlmClient & { stats(): EndpointStats } {
  const c = createLlmClient({ baseURL: sim.url, ...LLM_DEFAULTS, ...llm }, deps);
  cleanups.push(() => c.close());
  return c;
}

async function setup(
  sim: Partial<SimulatorOptions>,
  llm: Partial<EndpointOptions> = {},
  deps: LlmClientDeps = {},
): Promise<{ sim: Simulator; llm: LlmClient & { stats(): EndpointStats } }> {
  const simulator = await startSim(sim);
  return { sim: simulator, llm: client(simulator, llm, deps) };
}

/** Changes the simulator's options over HTTP, as a separate simulator process is configured. */
async function postSimOptions(sim: Simulator, options: Record<string, unknown>): Promise<Response> {
  return fetch(sim.url.replace(/\/v1$/, '/sim/options'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(options),
  });
}

const outcomes = (sim: Simulator, model: string) => sim.stats().log.filter((e) => e.model === model).map((e) => e.outcome);

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
    // The client's timeout is what tells a hung request from an answered one: it must be far above
    // the time a 2 ms answer takes on a busy machine (300 ms was not: the client gave up on answers
    // and the call ran out of retries), and a hung request costs no more than this wait.
    const { sim, llm } = await setup({ errorRate: 0.3, timeoutRate: 0.05, latencyMs: 2, seed: 11 }, { timeoutMs: 2_000, concurrency: 16 });
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
    const { sim, llm } = await setup({ maxConcurrency: 2, latencyMs: 10, retryAfterMs: 30 }, { concurrency: 8, maxRetries: 60, adaptiveConcurrency: false });
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

  it('calls rate limited far more often than maxRetries still complete: 429s do not use up the retries', async () => {
    const { sim, llm } = await setup({ maxConcurrency: 1, latencyMs: 15, retryAfterMs: 5 }, { concurrency: 6, maxRetries: 0, adaptiveConcurrency: false });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => llm.chat(judge(i))));
    expect(results.every((r) => r.choices.length === 1)).toBe(true);
    const stats = sim.stats();
    expect(stats.requests.byOutcome).toMatchObject({ ok: 12, error500: 0 });
    expect(stats.requests.byOutcome.rate_limited).toBeGreaterThan(12);
    expect(Math.max(...results.map((r) => r.attempts))).toBeGreaterThan(2);
    expect(llm.usage().total).toMatchObject({ calls: 12, failedCalls: 0, attempts: stats.requests.total });
  });

  it('waits out a 429 storm on one request beyond maxRetries, while 500s still use the retries up', async () => {
    const sim = await startSim({ maxConcurrency: 1, latencyMs: 300, retryAfterMs: 10 });
    const llm = client(sim, { concurrency: 2, maxRetries: 1, adaptiveConcurrency: false });
    const blocker = llm.chat(judge(0));
    await expect.poll(() => sim.stats().inFlight).toBe(1);
    const waited = await llm.chat(judge(1));
    expect(waited.attempts).toBeGreaterThan(3);
    expect(outcomes(sim, 'sim-judge').filter((o) => o === 'rate_limited')).toHaveLength(waited.attempts - 1);
    await blocker;

    sim.setOptions({ maxConcurrency: Infinity, latencyMs: 0, errorRate: 1 });
    await expect(llm.chat(judge(2))).rejects.toMatchObject({ kind: 'transient', status: 500, attempts: 2 });
  });

  it('gives up on 429s after rateLimitMaxWaitMs of waiting, saying how many and how long', async () => {
    const sim = await startSim({ maxConcurrency: 1, latencyMs: 10_000, retryAfterMs: 20 });
    const llm = client(sim, { concurrency: 2, maxRetries: 0, rateLimitMaxWaitMs: 150, adaptiveConcurrency: false });
    const chat = (req: ChatRequest) => llm.chat(req);
    const stop = new AbortController();
    const blocker = chat(judge(0, { signal: stop.signal })).catch((err: unknown) => err);
    await expect.poll(() => sim.stats().inFlight).toBe(1);
    const t0 = Date.now();
    const err = await chat(judge(1)).then(
      () => {
        throw new Error('expected a rejection');
      },
      (e: unknown) => e as LlmError,
    );
    const elapsed = Date.now() - t0;
    expect(err).toBeInstanceOf(LlmError);
    expect(err).toMatchObject({ kind: 'transient', status: 429 });
    const rateLimited = outcomes(sim, 'sim-judge').filter((o) => o === 'rate_limited').length;
    expect(err.attempts).toBe(rateLimited);
    expect(rateLimited).toBeGreaterThan(2);
    expect(err.message).toMatch(
      new RegExp(`^chat\\.completions failed \\(HTTP 429: rate limited ${rateLimited} times, \\d+\\.\\d s spent waiting on 429s, more than the 150 ms allowed \\(LLM_RATE_LIMIT_MAX_WAIT_MS\\)\\) after ${rateLimited} attempts: 429 Rate limit reached`),
    );
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(2_000);
    stop.abort();
    expect(await blocker).toMatchObject({ kind: 'aborted' });
  });

  it('reports an unknown model as a permanent failure after one request', async () => {
    const { sim, llm } = await setup({});
    await expect(llm.chat(judge(0, { model: 'no-such-model' }))).rejects.toMatchObject({ kind: 'permanent', status: 404, attempts: 1 });
    expect(sim.stats().requests.total).toBe(1);
  });

  it('hands on a NUL character and an unpaired surrogate in an answer as U+FFFD, the rest of the text unchanged', async () => {
    const { sim, llm } = await setup({ controlCharRate: 1 });
    const raw = await (await fetch(`${sim.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sim-key' }, body: JSON.stringify(judge(1)) })).text();
    // What the server sent: the escapes, as JSON carries them.
    expect(raw).toContain('"content":"\\u0000\\ud800');
    const sent = (JSON.parse(raw) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
    const result = await llm.chat(judge(1, { n: 3 }));
    expect(result.choices).toHaveLength(3);
    for (const choice of result.choices) {
      expect(choice.text.startsWith('\uFFFD\uFFFD')).toBe(true);
      expect(choice.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      expect(choice.text.includes('\u0000')).toBe(false);
    }
    // Seeded: the same request's first choice, as sent, with the two characters replaced.
    const first = (await llm.chat(judge(1))).choices[0]!.text;
    expect(first).toBe(`\uFFFD\uFFFD${sent.slice(2)}`);
    expect(sent.slice(0, 2)).toBe('\u0000\ud800');
  });
});

describe('max_tokens or max_completion_tokens, against a simulator that refuses max_tokens as OpenAI reasoning models do', () => {
  it('auto: resends a refused request at once with max_completion_tokens, and from then on sends only that to the model', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const { sim, llm } = await setup({}, { maxRetries: 0 }, { logger });
    // set through the control endpoint, like the simulator's other options
    expect((await postSimOptions(sim, { maxCompletionTokensOnly: true })).status).toBe(200);

    const first = await llm.chat(judge(0, { max_tokens: 5 }));
    // the resend is a second attempt but no retry (maxRetries is 0), and it carried the limit
    expect(first).toMatchObject({ requests: 1, attempts: 2 });
    expect(first.choices[0]!.finishReason).toBe('length');
    expect(first.choices[0]!.text.length).toBeLessThanOrEqual(20);
    expect(outcomes(sim, 'sim-judge')).toEqual(['bad_request', 'ok']);

    const later = await Promise.all(Array.from({ length: 5 }, (_, i) => llm.chat(judge(1 + i))));
    expect(later.map((r) => r.attempts)).toEqual([1, 1, 1, 1, 1]);
    expect(outcomes(sim, 'sim-judge')).toEqual(['bad_request', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']);

    // Other models are not switched by it: each is found out on its own first requests.
    const other = await Promise.all(Array.from({ length: 3 }, (_, i) => llm.chat(judge(10 + i, { model: 'sim-generator' }))));
    expect(other.every((r) => r.choices.length === 1)).toBe(true);
    const generator = outcomes(sim, 'sim-generator');
    expect(generator.filter((o) => o === 'bad_request').length).toBeGreaterThanOrEqual(1);
    expect(generator.filter((o) => o === 'ok')).toHaveLength(3);
    expect(await llm.chat(judge(13, { model: 'sim-generator' }))).toMatchObject({ attempts: 1 });

    // A request without a limit sends neither field.
    expect(await llm.chat(judge(14, { model: 'sim-other', max_tokens: undefined }))).toMatchObject({ attempts: 1 });

    expect(llm.usage().total).toMatchObject({ failedCalls: 0, attempts: sim.stats().requests.total });
    const switched = lines.map((l) => JSON.parse(l) as { level: number; msg: string; model: string }).filter((l) => /max_completion_tokens/.test(l.msg));
    expect(switched.map((l) => [l.level, l.model])).toEqual([
      [30, 'sim-judge'],
      [30, 'sim-generator'],
    ]);

    // Remembered per client: a new client finds out again.
    expect(await client(sim).chat(judge(15))).toMatchObject({ attempts: 2 });
  });

  it('max_tokens: the refusal is a permanent error after one request that names the parameter and the setting', async () => {
    const sim = await startSim({ maxCompletionTokensOnly: true });
    const llm = client(sim, { maxTokensParam: 'max_tokens' });
    const chat = (req: ChatRequest) => llm.chat(req);
    for (const i of [0, 1]) {
      const err = await chat(judge(i)).then(
        () => {
          throw new Error('expected a rejection');
        },
        (e: unknown) => e as LlmError,
      );
      expect(err).toBeInstanceOf(LlmError);
      expect(err).toMatchObject({ kind: 'permanent', status: 400, attempts: 1 });
      expect(err.message).toContain("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.");
      expect(err.message).toContain('LLM_MAX_TOKENS_PARAM is max_tokens');
      expect(err.cause).toMatchObject({ status: 400, param: 'max_tokens', code: 'unsupported_parameter', type: 'invalid_request_error' });
    }
    expect(outcomes(sim, 'sim-judge')).toEqual(['bad_request', 'bad_request']);
  });

  it('max_completion_tokens: sent from the first request', async () => {
    const sim = await startSim({ maxCompletionTokensOnly: true });
    const llm = client(sim, { maxTokensParam: 'max_completion_tokens' });
    const chat = (req: ChatRequest) => llm.chat(req);
    const result = await chat(judge(0, { max_tokens: 5 }));
    expect(result).toMatchObject({ attempts: 1 });
    expect(result.choices[0]!.finishReason).toBe('length');
    expect(outcomes(sim, 'sim-judge')).toEqual(['ok']);
  });

  it('answers max_tokens with OpenAI\'s exact 400, and the option is validated on the control endpoint', async () => {
    const sim = await startSim({ maxCompletionTokensOnly: true });
    const ask = (field: string) =>
      fetch(`${sim.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sim' },
        body: JSON.stringify({ model: 'sim-judge', messages: [{ role: 'user', content: 'Hello?' }], [field]: 16 }),
      });
    const refused = await ask('max_tokens');
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      error: {
        message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        type: 'invalid_request_error',
        param: 'max_tokens',
        code: 'unsupported_parameter',
      },
    });
    expect((await ask('max_completion_tokens')).status).toBe(200);
    const bad = await postSimOptions(sim, { maxCompletionTokensOnly: 'yes' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('maxCompletionTokensOnly must be true or false');
    expect((await postSimOptions(sim, { maxCompletionTokensOnly: false })).status).toBe(200);
    expect((await ask('max_tokens')).status).toBe(200);
  });
});
