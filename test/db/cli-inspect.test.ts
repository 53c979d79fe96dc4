/**
 * The `ste` commands that show what is there (experiment show, iteration list|show, benchmark
 * list|show, eval list|show|diff), `import instructions --bundled`, the one not-found wording, and
 * progress lines when stderr is not a terminal. The real executable against the real server.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { jsonOf, runCli } from '../helpers/cli.js';
import type { Iteration, IterationStats } from '../../generated/graphql-types.js';

const QUESTIONS = (await readFile('data/instructions/vicuna-bench-questions.jsonl', 'utf8')).split('\n').filter(Boolean);
/** Sixty LLMBar items: long enough an evaluation for several progress lines. */
const LLMBAR = JSON.stringify((JSON.parse(await readFile('data/eval/llmbar/natural.json', 'utf8')) as unknown[]).slice(0, 60));

type IterationJson = Pick<Iteration, 'id' | 'index' | 'status' | 'judgeModel' | 'trainedModel'> & { stats: Pick<IterationStats, 'judgments' | 'correct' | 'selected'> };

describe.skipIf(NO_DATABASE)(`ste show and list commands (${TEST_DB})`, () => {
  let app: TestApp;
  let dir: string;
  let experimentId: string;
  let seedEvaluation: string;
  let iteration: IterationJson;

  beforeAll(async () => {
    app = await startTestApp({ SIM_LATENCY_MS: '30', LLM_CONCURRENCY: '2' });
    dir = await mkdtemp(path.join(tmpdir(), 'ste-inspect-'));
    const file = path.join(dir, 'natural60.json');
    await writeFile(file, LLMBAR);
    const imported = await runCli(['import', 'benchmark', file, '--name', 'natural60', '--format', 'llmbar', '--subset', 'llmbar-natural'], app.url);
    expect(imported.code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers --help on every new command with exit 0', async () => {
    const commands = [['experiment', 'show'], ['iteration', 'list'], ['iteration', 'show'], ['benchmark', 'list'], ['benchmark', 'show'], ['eval', 'list'], ['eval', 'show'], ['eval', 'diff'], ['eval', 'run']];
    const runs = await Promise.all(commands.map((c) => runCli([...c, '--help'], app.url)));
    runs.forEach((run, i) => {
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: ste ${commands[i]!.join(' ')}`);
    });
  });

  it('imports a bundled instruction set, in words and as JSON, and refuses a file and --bundled together', async () => {
    experimentId = jsonOf<{ id: string }>(await runCli(['experiment', 'create', 'shown', '--samples', '1', '--json'], app.url)).id;
    const other = jsonOf<{ id: string }>(await runCli(['experiment', 'create', 'bundled', '--samples', '1', '--json'], app.url)).id;
    // One vicuna-bench question is also in LLMBar's natural set (imported above): kept out of training.
    const human = await runCli(['import', 'instructions', '--bundled', 'vicuna-bench', '--experiment', other], app.url);
    expect(human.code).toBe(0);
    expect(human.stdout).toBe(`imported 80 instructions of the bundled set vicuna-bench into experiment ${other}: 0 duplicates skipped, 1 kept out of training (in a benchmark); the experiment has 80 instructions\n`);
    const again = jsonOf<{ accepted: number; duplicates: unknown[]; instructionCount: number; bundled: string }>(
      await runCli(['import', 'instructions', '--bundled', 'vicuna-bench', '--experiment', other, '--json'], app.url),
    );
    expect([again.bundled, again.accepted, again.duplicates.length, again.instructionCount]).toEqual(['vicuna-bench', 0, 80, 80]);

    const both = await runCli(['import', 'instructions', 'x.jsonl', '--bundled', 'mt-bench', '--experiment', other], app.url);
    expect([both.code, both.stderr]).toEqual([2, 'ste: give either a file or --bundled, not both\n']);
    const neither = await runCli(['import', 'instructions', '--experiment', other], app.url);
    expect([neither.code, neither.stderr]).toEqual([2, 'ste: name the instructions file, or use --bundled mt-bench|vicuna-bench\n']);
    const unknownSet = await runCli(['import', 'instructions', '--bundled', 'alpaca', '--experiment', other], app.url);
    expect(unknownSet.code).toBe(2);
    expect(unknownSet.stderr).toContain("argument 'alpaca' is invalid. Allowed choices are mt-bench, vicuna-bench");
    const missing = await runCli(['import', 'instructions', '--bundled', 'mt-bench', '--experiment', '999999'], app.url);
    expect([missing.code, missing.stderr]).toEqual([1, 'ste: experiment 999999 not found\n']);
  });

  it('writes progress lines with done/total and rate, in order, when stderr is not a terminal', async () => {
    const run = await runCli(['eval', 'natural60', '--experiment', experimentId, '--poll-ms', '100', '--json'], app.url, { STE_PROGRESS_SECONDS: '0.1' });
    expect(run.code).toBe(0);
    seedEvaluation = jsonOf<{ id: string }>(run).id;
    const lines = run.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    const pattern = new RegExp(`^progress: evaluation ${seedEvaluation}: (\\d+)/120 \\((\\d+\\.\\d)%\\) · (\\d+(\\.\\d)?)/s$`);
    const done = lines.map((line) => {
      const match = pattern.exec(line);
      expect(match, line).not.toBeNull();
      expect(Number(match![2])).toBeCloseTo((100 * Number(match![1])) / 120, 1);
      return Number(match![1]);
    });
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(new Set(done).size).toBe(done.length);
  });

  it('runs a loop and logs its stages in the order they ran', async () => {
    const file = path.join(dir, 'six.jsonl');
    await writeFile(file, QUESTIONS.slice(0, 6).join('\n'));
    expect((await runCli(['import', 'instructions', file, '--experiment', experimentId], app.url)).code).toBe(0);
    const run = await runCli(['loop', experimentId, '--iterations', '1', '--eval', 'natural60', '--poll-ms', '100', '--json'], app.url);
    expect(run.code).toBe(0);
    iteration = jsonOf<{ iterations: IterationJson[] }>(run).iterations[0]!;
    const stages = run.stderr.split('\n').filter((l) => /^iteration 1: \w+ +SUCCEEDED/.test(l)).map((l) => l.split(/\s+/)[2]);
    expect(stages).toEqual(['JUDGE', 'SELECT', 'TRAIN']);
  });

  it('shows an experiment with its iterations, ids and indices, in words and as JSON', async () => {
    const human = await runCli(['experiment', 'show', experimentId], app.url);
    expect(human.code).toBe(0);
    const lines = human.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^experiment ${experimentId} "shown" · created \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC$`));
    // No price table here: the cost is unknown, and the line says for which models.
    // (the trained judge's evaluation used default/ft:sim-judge:...).
    expect(lines[1]).toMatch(/ · spent cost unknown \(no price for default\/ft:sim-judge:[^,]+, default\/sim-generator, default\/sim-judge\)$/);
    expect(lines[2]).toMatch(/^6 instructions · \d+ pairs ready, \d+ rejected$/);
    expect(lines[3]).toBe('loop SUCCEEDED to iteration 1');
    expect(lines[5]).toMatch(/^ID\s+INDEX\s+STATUS\s+JUDGE\s+TRAINED\s+JUDGMENTS\s+CORRECT\s+UNPARSEABLE\s+SELECTED\s+TOKENS IN \/ OUT$/);
    expect(lines[6]).toMatch(new RegExp(`^${iteration.id}\\s+1\\s+SUCCEEDED\\s+sim-judge\\s+${iteration.trainedModel!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+${iteration.stats.judgments}\\s`));
    expect(human.stdout).toMatch(/^ {2}GENERATE_PAIRS +SUCCEEDED +\d+\/\d+ · .* · cost unknown \(no price for default\/sim-generator\) · .*\(stage \d+\)$/m);
    expect(human.stdout).toContain(`seed judge: evaluation ${seedEvaluation} on natural60: `);
    const json = jsonOf<{ id: string; iterations: IterationJson[]; ready: { totalCount: number } }>(await runCli(['experiment', 'show', experimentId, '--json'], app.url));
    expect(json.iterations.map((it) => [it.id, it.index, it.stats.judgments])).toEqual([[iteration.id, 1, iteration.stats.judgments]]);
    expect(json.ready.totalCount * 2).toBe(iteration.stats.judgments);

    const missing = await runCli(['experiment', 'show', '999999'], app.url);
    expect([missing.code, missing.stderr]).toEqual([1, 'ste: experiment 999999 not found\n']);
  });

  it('lists and shows iterations, in words and as JSON', async () => {
    const list = await runCli(['iteration', 'list', experimentId], app.url);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[1]).toMatch(new RegExp(`^${iteration.id}\\s+1\\s+SUCCEEDED\\s`));
    const listed = jsonOf<IterationJson[]>(await runCli(['iteration', 'list', experimentId, '--json'], app.url));
    expect(listed.map((it) => it.id)).toEqual([iteration.id]);

    // One sample per pair and order: the JUDGE stage has one item per judgment.
    const show = await runCli(['iteration', 'show', iteration.id], app.url);
    expect(show.code).toBe(0);
    const lines = show.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^iteration 1 \\(id ${iteration.id}\\) SUCCEEDED · judge sim-judge → `));
    expect(lines[2]).toBe('stages:');
    expect(lines.slice(3, 6).map((l) => l.trim().split(/\s+/)[0])).toEqual(['JUDGE', 'SELECT', 'TRAIN']);
    expect(lines[3]).toMatch(new RegExp(`^ {2}JUDGE +SUCCEEDED +${iteration.stats.judgments}/${iteration.stats.judgments} · [\\d.k]+ / [\\d.k]+ tokens · cost unknown \\(no price for default/sim-judge\\) · \\d+ s {2}\\(stage \\d+\\)$`));
    expect(lines.at(-1)).toMatch(/^ {2}evaluation \d+ on natural60: \d+\.\d% \[/);
    // The training job (the simulator's fine-tuning API): on the selected judgments, to the trained judge; no LoRA adapter.
    const training = lines.indexOf('training:');
    expect(training).toBe(6);
    expect(lines[7]).toMatch(new RegExp(`^ {2}SUPERVISED \\(OPENAI job ftjob-\\w+\\): sim-judge on ${iteration.stats.selected.toLocaleString('en-US')} examples · succeeded → ${iteration.trainedModel!.replace(/[.:]/g, '\\$&')}$`));
    const json = jsonOf<IterationJson & { stages: { kind: string }[] }>(await runCli(['iteration', 'show', iteration.id, '--json'], app.url));
    expect([json.stats.judgments, json.stages.map((s) => s.kind)]).toEqual([iteration.stats.judgments, ['JUDGE', 'SELECT', 'TRAIN']]);

    for (const args of [['iteration', 'show', '999999'], ['iteration', 'list', '999999']]) {
      const missing = await runCli(args, app.url);
      expect([missing.code, missing.stderr]).toEqual([1, `ste: ${args[1] === 'show' ? 'iteration' : 'experiment'} 999999 not found\n`]);
    }
    const badId = await runCli(['iteration', 'show', 'abc'], app.url);
    expect([badId.code, badId.stderr]).toEqual([1, 'ste: id: "abc" is not a valid id\n']);
  });

  it('lists and shows benchmarks, in words and as JSON', async () => {
    const list = await runCli(['benchmark', 'list'], app.url);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n').slice(0, 2)).toEqual([
      expect.stringMatching(/^ID\s+NAME\s+FORMAT\s+ITEMS\s+SUBSETS\s+IMPORTED \(UTC\)$/),
      expect.stringMatching(/^\d+\s+natural60\s+llmbar\s+60\s+1\s+\d{4}-/),
    ]);
    const listed = jsonOf<{ name: string; size: number; subsets: { name: string; size: number }[] }[]>(await runCli(['benchmark', 'list', '--json'], app.url));
    expect(listed).toEqual([expect.objectContaining({ name: 'natural60', size: 60, subsets: [{ name: 'llmbar-natural', size: 60 }] })]);

    const show = await runCli(['benchmark', 'show', 'natural60'], app.url);
    expect(show.code).toBe(0);
    const lines = show.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^benchmark \d+ "natural60" \(llmbar\) · 60 items · imported /);
    expect(lines.slice(1, 3)).toEqual([expect.stringMatching(/^SUBSET\s+ITEMS$/), expect.stringMatching(/^llmbar-natural\s+60$/)]);
    expect(lines[3]).toBe('evaluations (newest first):');
    expect(lines.at(-1)).toMatch(new RegExp(`^${seedEvaluation}\\s+sim-judge\\s+experiment ${experimentId} seed\\s+SUCCEEDED\\s+\\d+\\.\\d% \\[`));
    const shown = jsonOf<{ evaluations: { id: string }[] }>(await runCli(['benchmark', 'show', 'natural60', '--json'], app.url));
    expect(shown.evaluations.map((e) => e.id).at(-1)).toBe(seedEvaluation);

    const missing = await runCli(['benchmark', 'show', 'nope'], app.url);
    expect([missing.code, missing.stderr]).toEqual([1, 'ste: benchmark nope not found (known: natural60): add one with ste import benchmark\n']);
  });

  it('lists, shows and compares evaluations, in words and as JSON', async () => {
    const all = jsonOf<{ id: string; iterationId: string | null; status: string }[]>(await runCli(['eval', 'list', '--json'], app.url));
    expect(all).toHaveLength(2);
    const trained = all.find((e) => e.iterationId === iteration.id)!;
    expect(all.map((e) => e.id)).toEqual([trained.id, seedEvaluation]);
    const table = await runCli(['eval', 'list', '--experiment', experimentId], app.url);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+BENCHMARK\s+JUDGE\s+OF\s+STATUS\s+ITEMS\s+ACCURACY \(95% CI\)\s+CREATED \(UTC\)$/);
    expect(table.stdout.split('\n')[2]).toMatch(new RegExp(`^${seedEvaluation}\\s+natural60\\s+sim-judge\\s+experiment ${experimentId} seed\\s+SUCCEEDED\\s+60\\s+\\d+\\.\\d% \\[`));
    const limited = await runCli(['eval', 'list', '--limit', '1'], app.url);
    expect(limited.stdout.trim().split('\n').at(-1)).toBe('1 of 2 shown (--limit)');
    const ofIteration = jsonOf<{ id: string }[]>(await runCli(['eval', 'list', '--iteration', iteration.id, '--benchmark', 'natural60', '--json'], app.url));
    expect(ofIteration.map((e) => e.id)).toEqual([trained.id]);
    const none = await runCli(['eval', 'list', '--model', 'nobody'], app.url);
    expect(none.stdout).toBe('no evaluations match: ste eval BENCHMARK --model NAME runs one\n');

    const show = await runCli(['eval', 'show', seedEvaluation], app.url);
    expect(show.stdout.split('\n')[0]).toBe(`evaluation ${seedEvaluation}: sim-judge on natural60 (60 items, order BOTH, 1 sample, seed 1) SUCCEEDED`);
    expect(jsonOf<{ id: string; overall: { items: number } }>(await runCli(['eval', 'show', seedEvaluation, '--json'], app.url)).overall.items).toBe(60);

    const diff = await runCli(['eval', 'diff', seedEvaluation, trained.id], app.url);
    expect(diff.code).toBe(0);
    const lines = diff.stdout.trim().split('\n');
    expect(lines[0]).toBe(`evaluation ${seedEvaluation} (sim-judge) → evaluation ${trained.id} (${iteration.trainedModel}) on natural60`);
    expect(lines[1]).toMatch(/^accuracy \d+\.\d% → \d+\.\d%: change [+−]\d+\.\d points \[[+−]\d+\.\d, [+−]\d+\.\d\]$/);
    const counts = jsonOf<{ fixed: number; broken: number; stillWrong: number; stillRight: number; onlyInA: number }>(await runCli(['eval', 'diff', seedEvaluation, trained.id, '--json'], app.url));
    expect(counts.fixed + counts.broken + counts.stillWrong + counts.stillRight).toBe(60);
    expect(lines[2]).toBe(`fixed ${counts.fixed} · broken ${counts.broken} · still wrong ${counts.stillWrong} · still right ${counts.stillRight} · only in ${seedEvaluation}: 0 · only in ${trained.id}: 0`);

    for (const args of [['eval', 'show', '999999'], ['eval', 'diff', seedEvaluation, '999999']]) {
      const missing = await runCli(args, app.url);
      expect([missing.code, missing.stderr]).toEqual([1, 'ste: evaluation 999999 not found\n']);
    }
  });
});
