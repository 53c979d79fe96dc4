import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { jsonOf, runCli, startCli } from '../helpers/cli.js';
import { startProxy } from '../helpers/proxy.js';

const QUESTIONS = (await readFile('data/instructions/vicuna-bench-questions.jsonl', 'utf8')).split('\n').filter(Boolean);
/** Twelve LLMBar items: a benchmark small enough to evaluate in a moment. */
const LLMBAR = JSON.stringify((JSON.parse(await readFile('data/eval/llmbar/natural.json', 'utf8')) as unknown[]).slice(0, 12));

type Stats = { judgments: number; correct: number; unparseable: number; selected: number };
type IterationJson = { id: string; index: number; status: string; trainedModel: string | null; stats: Stats };

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.skipIf(NO_DATABASE)(`the ste command line (${TEST_DB})`, () => {
  let app: TestApp;
  let dir: string;
  let experimentId: string;
  let iteration: IterationJson;

  beforeAll(async () => {
    // A little latency, so that judgments land in several batches.
    app = await startTestApp({ SIM_LATENCY_MS: '20', LLM_CONCURRENCY: '2', WORKER_BATCH_SIZE: '2' });
    dir = await mkdtemp(path.join(tmpdir(), 'ste-cli-'));
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers --help on every command with exit 0', async () => {
    const commands = [[], ['experiment', 'create'], ['experiment', 'list'], ['import', 'instructions'], ['import', 'benchmark'], ['loop'], ['watch'], ['eval'], ['export']];
    const runs = await Promise.all(commands.map((c) => runCli([...c, '--help'], app.url)));
    runs.forEach((run, i) => {
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: ste ${commands[i]!.join(' ')}`.trim());
    });
  });

  it('creates an experiment, in words and as JSON, and refuses a bad option with exit 2', async () => {
    const human = await runCli(['experiment', 'create', 'cli words', '--samples', '2'], app.url);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^created experiment \d+ "cli words": judge sim-judge, generator sim-generator, 2 samples per order, seed 1$/m);

    const json = await runCli(['experiment', 'create', 'cli', '--samples', '2', '--seed', '5', '--json'], app.url);
    expect(json.code).toBe(0);
    const created = jsonOf<{ id: string; name: string; config: { samplesPerOrder: number; seed: number } }>(json);
    expect(created).toMatchObject({ name: 'cli', config: { samplesPerOrder: 2, seed: 5 } });
    experimentId = created.id;

    const bad = await runCli(['experiment', 'create', 'x', '--samples', '100'], app.url);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([
      "ste: option '--samples <n>' argument '100' is invalid. must be a whole number from 1 to 64 (see ste experiment create --help)",
    ]);
  });

  it('lists experiments as a table and as JSON', async () => {
    const table = await runCli(['experiment', 'list'], app.url);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+INSTRUCTIONS\s+ITERATIONS\s+LOOP\s+JUDGE\s+CREATED \(UTC\)$/);
    expect(table.stdout).toMatch(new RegExp(`^${experimentId}\\s+cli\\s+0\\s+0\\s+-\\s+sim-judge · N=2 · seed 5`, 'm'));
    const json = jsonOf<{ id: string; name: string }[]>(await runCli(['experiment', 'list', '--json'], app.url));
    expect(json.map((e) => e.name)).toEqual(['cli', 'cli words']);
  });

  it('imports a file in batches of lines, and skips what is stored when run again', async () => {
    const file = path.join(dir, 'twelve.jsonl');
    await writeFile(file, `${QUESTIONS.slice(0, 12).join('\n')}\n`);
    const first = await runCli(['import', 'instructions', file, '--experiment', experimentId, '--batch-lines', '5'], app.url);
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toBe(
      `imported 12 instructions from ${file} into experiment ${experimentId} in 3 batches: 0 duplicate lines skipped, 0 kept out of training (in a benchmark); the experiment has 12 instructions`,
    );
    const again = jsonOf<{ accepted: number; batches: number; duplicates: { line: number; duplicateOfLine: number | null }[] }>(
      await runCli(['import', 'instructions', file, '--experiment', experimentId, '--batch-lines', '5', '--json'], app.url),
    );
    expect(again.accepted).toBe(0);
    expect(again.batches).toBe(3);
    expect(again.duplicates.map((d) => d.line)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('stops at a bad batch with exit 1 and the file line numbers of every rejected line', async () => {
    const lines = QUESTIONS.slice(20, 32);
    lines[7] = '{"question_id": 1, "turns": ["unterminated"'; // line 8
    lines[9] = '{"category": "no text here"}'; // line 10
    const file = path.join(dir, 'bad.jsonl');
    await writeFile(file, lines.join('\n'));
    const run = await runCli(['import', 'instructions', file, '--experiment', experimentId, '--batch-lines', '5'], app.url);
    expect(run.code).toBe(1);
    const [first, ...rest] = run.stderr.trim().split('\n');
    expect(first).toBe(`ste: ${file}: lines 8, 10 rejected; the batch of lines 6-10 was not stored`);
    expect(rest[0]).toMatch(/^ {2}line 8: .*JSON/);
    expect(rest[1]).toMatch(/^ {2}line 10: /);
    expect(rest.at(-1)).toContain('5 instructions from earlier lines were stored');
    const count = dataOf(await app.gql<{ experiment: { instructionCount: number } }>(`query ($id: ID!) { experiment(id: $id) { instructionCount } }`, { id: experimentId }));
    expect(count.experiment.instructionCount).toBe(12 + 5);
  });

  it('fails with one clear line when the server cannot be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/graphql`;
    const run = await runCli(['experiment', 'list'], url);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`ste: cannot reach the server at ${url} (connection refused): is it running? Point --url or STE_URL at it\n`);
  });

  it('imports a benchmark file, and lists the rejected rows of a bad one with exit 1', async () => {
    const file = path.join(dir, 'natural.json');
    await writeFile(file, LLMBAR);
    const run = await runCli(['import', 'benchmark', file, '--format', 'llmbar', '--name', 'natural12', '--subset', 'llmbar-natural'], app.url);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^imported benchmark \d+ "natural12": 12 items in 1 subset \(llmbar-natural 12\)$/);

    const bad = path.join(dir, 'bad-bench.jsonl');
    await writeFile(bad, '{"prompt": "p", "chosen": "a", "rejected": "b", "subset": "s"}\n{"prompt": "p"}\nnot json\n');
    const refused = await runCli(['import', 'benchmark', bad, '--format', 'rewardbench', '--name', 'bad'], app.url);
    expect(refused.code).toBe(1);
    expect(refused.stderr.split('\n').slice(0, 3)).toEqual([
      `ste: ${bad}: 2 lines rejected; nothing was stored`,
      '  line 2: missing field "chosen"',
      expect.stringMatching(/^ {2}line 3: not valid JSON/),
    ]);
    const usage = await runCli(['import', 'benchmark', file, '--name', 'x'], app.url);
    expect(usage.code).toBe(2);
  });

  it("evaluates the seed judge on a benchmark and prints accuracy per subset", async () => {
    const run = await runCli(['eval', 'natural12', '--experiment', experimentId, '--poll-ms', '200', '--json'], app.url);
    expect(run.code).toBe(0);
    const evaluation = jsonOf<{ status: string; overall: { items: number; accuracy: { value: number; low: number; high: number } }; subsets: { subset: string }[] }>(run);
    expect(evaluation.status).toBe('SUCCEEDED');
    expect(evaluation.overall.items).toBe(12);
    expect(evaluation.overall.accuracy.low).toBeLessThanOrEqual(evaluation.overall.accuracy.value);
    expect(evaluation.subsets.map((s) => s.subset)).toEqual(['llmbar-natural']);
    const human = await runCli(['eval', 'natural12', '--model', 'sim-judge', '--order', 'AS_GIVEN'], app.url);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^evaluation \d+: sim-judge on natural12 \(12 items, order AS_GIVEN, 1 sample, seed 1\) SUCCEEDED$/m);
    expect(human.stdout).toMatch(/^llmbar-natural +12 +\d+\.\d% \[/m);
    const twoJudges = await runCli(['eval', 'natural12', '--model', 'a', '--experiment', experimentId], app.url);
    expect(twoJudges.code).toBe(2);
    const unknown = await runCli(['eval', 'nope', '--model', 'sim-judge'], app.url);
    expect(unknown.stderr).toBe('ste: benchmark nope not found (known: natural12): add one with ste import benchmark\n');
  });

  it('runs a loop to the end, following it, and exits 0 when it succeeded', async () => {
    const run = await runCli(['loop', experimentId, '--iterations', '1', '--eval', 'natural12', '--poll-ms', '200', '--json'], app.url);
    expect(run.code).toBe(0);
    const result = jsonOf<{ loop: { status: string }; iterations: IterationJson[]; evaluations: { seedEvaluations: unknown[]; iterations: { evaluations: { status: string }[] }[] } }>(run);
    // The seed judge is evaluated (here already, by ste eval), and the trained one after TRAIN.
    expect(result.evaluations.seedEvaluations.length).toBeGreaterThanOrEqual(1);
    expect(result.evaluations.iterations[0]!.evaluations.map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(result.loop.status).toBe('SUCCEEDED');
    expect(result.iterations).toHaveLength(1);
    iteration = result.iterations[0]!;
    expect(iteration).toMatchObject({ index: 1, status: 'SUCCEEDED' });
    expect(iteration.trainedModel).toBeTruthy();
    // Every pair judged in both orders, 2 samples each: one JUDGE item per pair and order.
    const items = iteration.stats.judgments / 2;
    expect(items).toBeGreaterThan(0);
    expect(run.stderr).toContain('experiment: GENERATE_PAIRS  SUCCEEDED');
    expect(run.stderr).toMatch(new RegExp(`iteration 1: JUDGE +SUCCEEDED +${items}/${items}`));
    expect(run.stderr).toMatch(/iteration 1: TRAIN +SUCCEEDED/);
  });

  it('exits 1 with the reason when the loop fails', async () => {
    const created = jsonOf<{ id: string }>(await runCli(['experiment', 'create', 'doomed', '--samples', '1', '--judge-model', 'no-such-model', '--json'], app.url));
    const file = path.join(dir, 'two.jsonl');
    await writeFile(file, QUESTIONS.slice(40, 42).join('\n'));
    expect((await runCli(['import', 'instructions', file, '--experiment', created.id], app.url)).code).toBe(0);
    const run = await runCli(['loop', created.id, '--iterations', '1', '--poll-ms', '200'], app.url);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^loop FAILED \(to iteration 1\): JUDGE stage \d+ failed/m);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(/^ste: loop FAILED: JUDGE stage \d+ failed/);
  });

  it('watches an iteration across a dropped connection without losing or repeating a judgment', async () => {
    expect.assertions(7);
    const proxy = await startProxy(app.url);
    const stage = async (mutation: string, id: string) => {
      const data = dataOf(await app.gql<Record<string, { id: string }>>(`mutation ($id: ID!) { ${mutation}(${mutation === 'generatePairs' ? 'experimentId' : 'iterationId'}: $id) { id } }`, { id }));
      return data[mutation]!.id;
    };
    const finished = (stageId: string) =>
      eventually(async () => {
        const data = dataOf(await app.gql<{ stage: { status: string } }>(`query ($id: ID!) { stage(id: $id) { status } }`, { id: stageId }));
        return data.stage.status === 'SUCCEEDED' ? true : undefined;
      }, 60_000, 50);
    try {
      const created = jsonOf<{ id: string }>(await runCli(['experiment', 'create', 'watched', '--samples', '3', '--json'], app.url));
      const file = path.join(dir, 'watch.jsonl');
      await writeFile(file, QUESTIONS.slice(50, 62).join('\n'));
      await runCli(['import', 'instructions', file, '--experiment', created.id], app.url);
      await finished(await stage('generatePairs', created.id));
      const iterationId = dataOf(await app.gql<{ startIteration: { id: string } }>(`mutation ($id: ID!) { startIteration(experimentId: $id) { id } }`, { id: created.id })).startIteration.id;

      const watch = startCli(['watch', iterationId, '--json', '--poll-ms', '200'], proxy.url);
      await eventually(async () => (proxy.webSockets() > 0 ? true : undefined), 30_000, 20);
      const judging = await stage('judgePairs', iterationId);
      // The connection drops once judgments flow; the rest are stored while the watcher is away.
      await eventually(async () => {
        const data = dataOf(await app.gql<{ iteration: { stats: { judgments: number } } }>(`query ($id: ID!) { iteration(id: $id) { stats { judgments } } }`, { id: iterationId }));
        return data.iteration.stats.judgments > 0 ? true : undefined;
      }, 60_000, 10);
      proxy.hold();
      await watch.waitForStderr('connection lost');
      await finished(judging);
      proxy.release();
      await finished(await stage('selectJudgments', iterationId));
      await stage('trainJudge', iterationId);

      const run = await watch.done;
      expect(run.code).toBe(0);
      const result = jsonOf<{ iteration: IterationJson; received: Stats & { lastSeq: number; verdicts: Record<string, number> }; reconnects: number }>(run);
      expect(result.reconnects).toBeGreaterThanOrEqual(1);
      expect(result.iteration.status).toBe('SUCCEEDED');
      const { stats } = result.iteration;
      expect(stats.judgments).toBeGreaterThan(0);
      expect(result.received).toMatchObject({ judgments: stats.judgments, correct: stats.correct, lastSeq: stats.judgments });
      expect(Object.values(result.received.verdicts).reduce((a, b) => a + b, 0)).toBe(stats.judgments);
      expect(run.stderr).toMatch(/connection lost: .*; resuming judgments after seq \d+/);
    } finally {
      await proxy.close();
    }
  });

  it('streams an export to stdout, and reports a bad iteration or format', async () => {
    const run = await runCli(['export', iteration.id, '--format', 'openai-sft'], app.url);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(iteration.stats.selected);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('messages');
    expect(run.stderr).toBe(`exported ${lines.length} openai-sft lines of iteration ${iteration.id}\n`);

    const missing = await runCli(['export', '999999', '--format', 'openai-sft'], app.url);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('ste: iteration 999999 not found\n');
    const format = await runCli(['export', iteration.id, '--format', 'csv'], app.url);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("argument 'csv' is invalid. Allowed choices are openai-sft, openai-dpo, trl-sft, trl-dpo, judgments, dpo-config");
  });

  it('reports an unknown iteration to watch with exit 1', async () => {
    const run = await runCli(['watch', '999999'], app.url);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('ste: iteration 999999 not found\n');
  });
});
