/**
 * The offline simulator, driven only through the real `openai` client over HTTP.
 */
import OpenAI, { APIConnectionError, APIError, InternalServerError, NotFoundError, RateLimitError, toFile } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_JUDGE_TEMPLATE,
  answerPrompt,
  categorizePrompt,
  judgePrompt,
  modifiedInstructionPrompt,
  parseCategory,
  parseModification,
  parseWorseRewrite,
  worseRewritePrompt,
  verdictParser,
  type ChatMessage,
  type JudgeTemplate,
} from '../../src/domain/prompts.js';
import { requestHash, startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/server.js';

const started: Simulator[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((sim) => sim.close()));
});

async function simulator(options: Partial<SimulatorOptions> = {}): Promise<{ sim: Simulator; client: OpenAI }> {
  const sim = await startSimulator(options);
  started.push(sim);
  return { sim, client: new OpenAI({ baseURL: sim.url, apiKey: 'sim', maxRetries: 0 }) };
}

async function text(client: OpenAI, messages: ChatMessage[], extra: Partial<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming> = {}) {
  const completion = await client.chat.completions.create({ model: 'sim-generator', messages, seed: 7, ...extra });
  return completion.choices[0]!.message.content ?? '';
}

const parseVerdict = verdictParser(DEFAULT_JUDGE_TEMPLATE);
const CATEGORIES = ['writing', 'roleplay', 'reasoning', 'math', 'coding', 'extraction', 'stem', 'humanities'];
const X = 'Write a short blog post about street food in Tokyo, focusing on seasonal dishes for first-time visitors.';

/** Synthetic instructions: every (task, topic, other topic) combination in a fixed order. */
function syntheticInstructions(count: number): string[] {
  const topics = ['solar panels', 'urban gardening', 'remote work', 'electric cars', 'coral reefs', 'machine learning',
    'sleep quality', 'public libraries', 'medieval castles', 'jazz music', 'honey bees', 'space telescopes',
    'street food', 'mountain hiking', 'password security', 'wind turbines', 'bread baking', 'credit scores'];
  const places = ['Hawaii', 'Tokyo', 'Canada', 'Brazil', 'Egypt', 'Scotland'];
  const tasks = [
    (a: string, b: string, p: string) => `Explain how ${a} affects ${b} for families in ${p}.`,
    (a: string, b: string, p: string) => `Write a short blog post about ${a} in ${p}, focusing on ${b}.`,
    (a: string, b: string) => `List five practical tips for improving ${a} when dealing with ${b}.`,
    (a: string, b: string) => `Compare ${a} and ${b} in terms of cost, reliability and long-term benefits.`,
    (a: string, b: string, p: string) => `Describe the history of ${a} in ${p} and its influence on ${b}.`,
  ];
  const out: string[] = [];
  for (let i = 0; out.length < count; i += 1) {
    const a = topics[i % topics.length]!;
    const b = topics[(i * 7 + 3) % topics.length]!;
    if (a === b) continue;
    out.push(tasks[i % tasks.length]!(a, b, places[(i * 5) % places.length]!));
  }
  return out;
}

type Pair = { instruction: string; chosen: string; rejected: string };

async function contrastingPairs(client: OpenAI, instructions: string[]): Promise<Pair[]> {
  const pairs: Pair[] = [];
  for (let i = 0; i < instructions.length; i += 50) {
    const batch = instructions.slice(i, i + 50);
    const made = await Promise.all(
      batch.map(async (instruction, j) => {
        const seed = i + j;
        const chosen = await text(client, answerPrompt(instruction), { seed, temperature: 0.7 });
        const modification = await text(client, modifiedInstructionPrompt(instruction, chosen), { seed, temperature: 0.7 });
        const parsed = parseModification(modification, instruction);
        if (!parsed.ok) throw new Error(`unparseable modification: ${parsed.reason}`);
        return { instruction, chosen, rejected: parsed.response };
      }),
    );
    pairs.push(...made);
  }
  return pairs;
}

/** Share of correct argmax verdicts over both orders of every pair. */
async function judgeAccuracy(client: OpenAI, model: string, pairs: Pair[]): Promise<number> {
  const verdicts = await Promise.all(
    pairs.flatMap((p) => [
      { messages: judgePrompt(DEFAULT_JUDGE_TEMPLATE, p.instruction, p.chosen, p.rejected), correct: 'A' },
      { messages: judgePrompt(DEFAULT_JUDGE_TEMPLATE, p.instruction, p.rejected, p.chosen), correct: 'B' },
    ]).map(async ({ messages, correct }) => {
      const completion = await client.chat.completions.create({ model, messages, temperature: 0, seed: 1 });
      return parseVerdict(completion.choices[0]!.message.content ?? '') === correct;
    }),
  );
  return verdicts.filter(Boolean).length / verdicts.length;
}

function sftLine(p: Pair, chosenFirst: boolean): string {
  const [a, b] = chosenFirst ? [p.chosen, p.rejected] : [p.rejected, p.chosen];
  const label = chosenFirst ? '[[A]]' : '[[B]]';
  const messages = [
    ...judgePrompt(DEFAULT_JUDGE_TEMPLATE, p.instruction, a, b),
    { role: 'assistant', content: `The better response follows the instruction more closely.\n\n${label}` },
  ];
  return JSON.stringify({ messages });
}

async function waitForJob(client: OpenAI, id: string): Promise<OpenAI.FineTuning.FineTuningJob> {
  for (;;) {
    const job = await client.fineTuning.jobs.retrieve(id);
    if (job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled') return job;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function uploadJsonl(client: OpenAI, lines: string[]) {
  return client.files.create({ file: await toFile(Buffer.from(lines.join('\n') + '\n'), 'train.jsonl'), purpose: 'fine-tune' });
}

describe('simulator', () => {
  it('lists the seed models and accepts any sim- model, but 404s an unknown model', async () => {
    const { client } = await simulator();
    const ids = (await client.models.list()).data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['sim-judge', 'sim-generator']));
    expect((await client.models.retrieve('sim-anything')).id).toBe('sim-anything');
    const reply = await client.chat.completions.create({ model: 'sim-other', messages: answerPrompt(X) });
    expect(reply.choices).toHaveLength(1);
    const error = await client.chat.completions.create({ model: 'gpt-nope', messages: answerPrompt(X) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as APIError).code).toBe('model_not_found');
  });

  it('answers an instruction with its own key words, and the modified instruction differently', async () => {
    const { client } = await simulator();
    const completion = await client.chat.completions.create({ model: 'sim-generator', messages: answerPrompt(X), seed: 3 });
    const answer = completion.choices[0]!.message.content!;
    expect(answer).toMatch(/street food|Tokyo|seasonal/i);
    expect(completion.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage!.completion_tokens).toBeGreaterThan(0);
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);

    const modification = parseModification(await text(client, modifiedInstructionPrompt(X, 'An answer.')), X);
    expect(modification.ok).toBe(true);
    if (!modification.ok) return;
    expect(modification.modifiedInstruction).not.toBe(X);
    expect(modification.response).not.toBe(answer);
  });

  it('answers the worse-rewrite prompt in its tagged format with a rewrite of the answer shown, less on topic', async () => {
    const { sim, client } = await simulator();
    const answer = await text(client, answerPrompt(X), { seed: 3 });
    const rewrite = parseWorseRewrite(await text(client, worseRewritePrompt(X, answer), { seed: 3 }));
    expect(rewrite.ok).toBe(true);
    if (!rewrite.ok) return;
    expect(rewrite.response).not.toBe(answer);
    expect(rewrite.response.length).toBeLessThan(answer.length);
    expect(sim.stats().log.map((l) => l.kind)).toEqual(['answer', 'worse']);
  });

  it('puts a math instruction in a math category and anything else in a listed one', async () => {
    const { client } = await simulator();
    const math = await text(client, categorizePrompt('Solve for x: 3x + 5 = 20, and show each step.', CATEGORIES));
    expect(parseCategory(math, CATEGORIES)).toBe('math');
    const other = await text(client, categorizePrompt('Write a haiku about the autumn sea.', CATEGORIES));
    expect(CATEGORIES).toContain(parseCategory(other, CATEGORIES));
  });

  it('judges with a parseable verdict in the default format and in an Output (a)/(b) template', async () => {
    const { client } = await simulator();
    const reply = await client.chat.completions.create({
      model: 'sim-judge',
      messages: judgePrompt(DEFAULT_JUDGE_TEMPLATE, X, 'Tokyo street food in spring: sakura dango.', 'A post about Paris.'),
      n: 6,
      temperature: 0.7,
      top_p: 0.9,
      seed: 5,
    });
    expect(reply.choices).toHaveLength(6);
    for (const c of reply.choices) expect(['A', 'B']).toContain(parseVerdict(c.message.content!));

    const llmbar: JudgeTemplate = {
      system: 'You are a helpful assistant in evaluating the quality of the outputs for a given instruction.',
      user:
        '# Instruction:\n{question}\n\n# Output (a):\n{answer_a}\n\n# Output (b):\n{answer_b}\n\n' +
        '# Which is better, Output (a) or Output (b)? Your response should be either "Output (a)" or "Output (b)":',
      verdictA: 'Output \\(a\\)',
      verdictB: 'Output \\(b\\)',
    };
    const custom = await text(client, judgePrompt(llmbar, X, 'Tokyo street food', 'Paris museums'), { model: 'sim-judge' });
    expect(['A', 'B']).toContain(verdictParser(llmbar)(custom));
  });

  it('returns n distinct samples, reproduces them with the same seed, and caps n at maxN', async () => {
    const { sim, client } = await simulator();
    const ask = (seed: number, n: number) =>
      client.chat.completions.create({ model: 'sim-generator', messages: answerPrompt(X), n, temperature: 1, seed });
    const first = (await ask(11, 4)).choices.map((c) => c.message.content);
    expect(new Set(first).size).toBe(4);
    expect((await ask(11, 4)).choices.map((c) => c.message.content)).toEqual(first);
    expect((await ask(12, 4)).choices.map((c) => c.message.content)).not.toEqual(first);

    sim.setOptions({ maxN: 2 });
    expect((await ask(11, 4)).choices).toHaveLength(2);
    expect(sim.stats().log.at(-1)).toMatchObject({ n: 4, choices: 2, outcome: 'ok' });
  });

  it('logs each request with its kind and the hash of model and messages', async () => {
    const { sim, client } = await simulator();
    const messages = answerPrompt(X);
    await client.chat.completions.create({ model: 'sim-generator', messages, n: 2 });
    expect(sim.stats().log).toEqual([
      expect.objectContaining({ seq: 1, kind: 'answer', hash: requestHash('sim-generator', messages), n: 2, outcome: 'ok' }),
    ]);
    expect(sim.stats().requests.byKind.answer).toBe(1);
  });

  it('refuses streaming with a 400', async () => {
    const { client } = await simulator();
    const error = await client.chat.completions.create({ model: 'sim-judge', messages: answerPrompt(X), stream: true }).catch((e: unknown) => e);
    expect((error as APIError).status).toBe(400);
  });

  it('names the completion limit parameter that was sent when its value is invalid', async () => {
    const { client } = await simulator();
    for (const param of ['max_tokens', 'max_completion_tokens'] as const) {
      const error = (await client.chat.completions.create({ model: 'sim-judge', messages: answerPrompt(X), [param]: 0 }).catch((e: unknown) => e)) as APIError;
      expect(error.status).toBe(400);
      expect(error.param).toBe(param);
      expect(error.message).toContain(`Invalid value for '${param}'`);
    }
  });

  it('rate-limits requests beyond maxConcurrency with a retry-after header', async () => {
    const { sim, client } = await simulator({ latencyMs: 300, maxConcurrency: 2, retryAfterMs: 200 });
    const results = await Promise.allSettled(
      [1, 2, 3, 4].map((seed) => client.chat.completions.create({ model: 'sim-generator', messages: answerPrompt(X), seed })),
    );
    const limited = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as RateLimitError);
    expect(limited).toHaveLength(2);
    expect(limited[0]).toBeInstanceOf(RateLimitError);
    expect(limited[0]!.headers.get('retry-after')).toBe('0.2');
    expect(limited[0]!.headers.get('retry-after-ms')).toBe('200');
    expect(sim.stats().faults.rateLimited).toBe(2);
    expect(sim.stats().inFlight).toBe(0);
  });

  it('answers 500 when errorRate is 1, and draws faults reproducibly from the seed', async () => {
    const { sim, client } = await simulator({ errorRate: 1 });
    const error = await client.chat.completions.create({ model: 'sim-generator', messages: answerPrompt(X) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(sim.stats().faults.errors500).toBe(1);

    const outcomes = async (seed: number) => {
      const { sim: s, client: c } = await simulator({ errorRate: 0.5, seed });
      for (let i = 0; i < 12; i += 1) await c.chat.completions.create({ model: 'sim-generator', messages: answerPrompt(X) }).catch(() => null);
      return s.stats().log.map((e) => e.outcome);
    };
    const run = await outcomes(9);
    expect(run).toContain('error500');
    expect(run).toContain('ok');
    expect(await outcomes(9)).toEqual(run);
  });

  it('injects malformed outputs that do not parse, and counts them', async () => {
    const { sim, client } = await simulator({ malformedRate: 1 });
    const judged = await client.chat.completions.create({
      model: 'sim-judge',
      messages: judgePrompt(DEFAULT_JUDGE_TEMPLATE, X, 'one answer', 'another answer'),
      n: 3,
      temperature: 0.7,
    });
    for (const c of judged.choices) expect(parseVerdict(c.message.content!)).toBe('UNPARSEABLE');
    expect(parseModification(await text(client, modifiedInstructionPrompt(X, 'An answer.')), X).ok).toBe(false);
    expect(sim.stats().faults.malformed).toBe(4);
    expect(sim.stats().log[0]).toMatchObject({ kind: 'judge', outcome: 'ok', choices: 3, malformed: 3 });
  });

  it('truncates with finish_reason length, injected or by max_tokens', async () => {
    const { sim, client } = await simulator();
    const full = await text(client, answerPrompt(X));
    const capped = await client.chat.completions.create({ model: 'sim-generator', messages: answerPrompt(X), seed: 7, max_tokens: 5 });
    expect(capped.choices[0]!.finish_reason).toBe('length');
    expect(capped.choices[0]!.message.content).toBe(full.slice(0, 20));
    expect(capped.usage!.completion_tokens).toBe(5);

    sim.setOptions({ truncatedRate: 1 });
    const cut = await client.chat.completions.create({ model: 'sim-generator', messages: answerPrompt(X), seed: 7 });
    expect(cut.choices[0]!.finish_reason).toBe('length');
    expect(full.startsWith(cut.choices[0]!.message.content!)).toBe(true);
    expect(cut.choices[0]!.message.content!.length).toBeLessThan(full.length);
    expect(sim.stats().faults.truncated).toBe(1);
  });

  it('fine-tunes a judge that is more accurate than the seed judge on held-out contrasting pairs', async () => {
    const { sim, client } = await simulator({ fineTuneMs: 100 });
    const pairs = await contrastingPairs(client, syntheticInstructions(300));
    const train = pairs.slice(0, 200);
    const heldOut = pairs.slice(200);

    const file = await uploadJsonl(client, train.flatMap((p) => [sftLine(p, true), sftLine(p, false)]));
    const content = await (await client.files.content(file.id)).text();
    expect(content.split('\n').filter(Boolean)).toHaveLength(400);

    const created = await client.fineTuning.jobs.create({ training_file: file.id, model: 'sim-judge', seed: 42 });
    expect(created.status).toBe('validating_files');
    const job = await waitForJob(client, created.id);
    expect(job.status).toBe('succeeded');
    expect(job.fine_tuned_model).toMatch(/^ft:sim-judge:sim:/);
    const events = (await client.fineTuning.jobs.listEvents(job.id, { limit: 50 })).data.map((e) => e.message);
    expect(events[0]).toBe('The job has successfully completed');
    expect(events.some((m) => /^Step \d+\/\d+: training loss=\d/.test(m))).toBe(true);
    expect((await client.models.list()).data.map((m) => m.id)).toContain(job.fine_tuned_model);
    expect((await client.models.retrieve(job.fine_tuned_model!)).id).toBe(job.fine_tuned_model);
    expect((await client.fineTuning.jobs.list()).data.map((j) => j.id)).toContain(job.id);

    const seedAccuracy = await judgeAccuracy(client, 'sim-judge', heldOut);
    const trainedAccuracy = await judgeAccuracy(client, job.fine_tuned_model!, heldOut);
    expect(trainedAccuracy).toBeGreaterThan(seedAccuracy);
    expect(sim.stats().fineTuning).toMatchObject({ jobs: 1, succeeded: 1 });
  });

  it('names a fine-tuned model after the request: the same request trains the same name, another file or seed another', async () => {
    const { client } = await simulator({ fineTuneMs: 20 });
    const pairs = await contrastingPairs(client, syntheticInstructions(6));
    const lines = pairs.flatMap((p) => [sftLine(p, true), sftLine(p, false)]);
    const train = async (content: string[], seed: number) => {
      const file = await uploadJsonl(client, content);
      const created = await client.fineTuning.jobs.create({ training_file: file.id, model: 'sim-judge', seed, suffix: 'ste-it1' });
      return waitForJob(client, created.id);
    };
    const [a, b, otherFile, otherSeed] = [await train(lines, 5), await train(lines, 5), await train(lines.slice(1), 5), await train(lines, 6)];
    expect(a.fine_tuned_model).toMatch(/^ft:sim-judge:sim:ste-it1:[0-9a-f]{8}$/);
    expect(b.fine_tuned_model).toBe(a.fine_tuned_model);
    expect(b.id).toBe(`${a.id}-2`);
    expect(otherFile.fine_tuned_model).not.toBe(a.fine_tuned_model);
    expect(otherSeed.fine_tuned_model).not.toBe(a.fine_tuned_model);
  });

  it('fails a fine-tuning job on a bad line, naming the line', async () => {
    const { client } = await simulator({ fineTuneMs: 0 });
    const good = sftLine({ instruction: X, chosen: 'Tokyo street food', rejected: 'Paris' }, true);
    const file = await uploadJsonl(client, [good, '{"messages": "not a list"}', good]);
    const job = await waitForJob(client, (await client.fineTuning.jobs.create({ training_file: file.id, model: 'sim-judge' })).id);
    expect(job.status).toBe('failed');
    expect(job.error?.message).toMatch(/^Line 2: /);
    expect(job.fine_tuned_model).toBeNull();
  });

  it('trains on DPO preference lines, and cancels a running job', async () => {
    const { client, sim } = await simulator({ fineTuneMs: 0 });
    const pairs = await contrastingPairs(client, syntheticInstructions(20));
    const lines = pairs.map((p, i) => {
      const messages = judgePrompt(DEFAULT_JUDGE_TEMPLATE, p.instruction, p.chosen, p.rejected);
      const [good, bad] = i % 2 ? ['[[A]]', '[[B]]'] : ['Assistant A is better. [[A]]', 'Assistant B is better. [[B]]'];
      return JSON.stringify({
        input: { messages },
        preferred_output: [{ role: 'assistant', content: good }],
        non_preferred_output: [{ role: 'assistant', content: bad }],
      });
    });
    const file = await uploadJsonl(client, lines);
    const dpo = await client.fineTuning.jobs.create({ training_file: file.id, model: 'sim-judge', method: { type: 'dpo' }, suffix: 'pref' });
    const done = await waitForJob(client, dpo.id);
    expect(done.status).toBe('succeeded');
    expect(done.fine_tuned_model).toMatch(/^ft:sim-judge:sim:pref:/);

    sim.setOptions({ fineTuneMs: 60_000 });
    const slow = await client.fineTuning.jobs.create({ training_file: file.id, model: 'sim-judge', method: { type: 'dpo' } });
    expect((await client.fineTuning.jobs.cancel(slow.id)).status).toBe('cancelled');
    expect((await client.fineTuning.jobs.retrieve(slow.id)).fine_tuned_model).toBeNull();
  });

  it('holds timed-out requests until the client gives up, and still closes promptly', async () => {
    const { sim, client } = await simulator({ timeoutRate: 1 });
    const impatient = await client.chat.completions
      .create({ model: 'sim-generator', messages: answerPrompt(X) }, { timeout: 100 })
      .catch((e: unknown) => e);
    expect(impatient).toBeInstanceOf(APIConnectionError);

    const hung = client.chat.completions.create({ model: 'sim-generator', messages: answerPrompt(X) }, { timeout: 30_000 }).catch((e: unknown) => e);
    while (sim.stats().faults.timeouts < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const before = Date.now();
    await sim.close();
    expect(Date.now() - before).toBeLessThan(5_000); // the hung request's own timeout is 30 s
    expect(await hung).toBeInstanceOf(APIConnectionError);
  });
});
