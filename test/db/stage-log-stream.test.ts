/**
 * stageLogAppended: a running COMMAND trainer's output through a real graphql-ws client, in order,
 * no line lost or repeated, and the stream completes when the stage ends. The trainer
 * (test/fixtures/trainer, mode chatty) prints 50 lines, waits for a gate file, then prints 950 more
 * in bursts, so the subscription replays stored lines and then follows lines being appended.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { dataOf, eventually, NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { runCli, startCli } from '../helpers/cli.js';

const INSTRUCTIONS = readFileSync('data/instructions/vicuna-bench-questions.jsonl', 'utf8').split('\n').slice(0, 4).join('\n');
const TRAINER = path.resolve('test/fixtures/trainer/sim-trainer.mjs');
const LOG = 'subscription ($id: ID!, $after: ID) { stageLogAppended(stageId: $id, afterId: $after) { id stream line } }';

type Line = { id: string; stream: string; line: string };
type Outcome = { lines: Line[]; completed: boolean; errors: string[] };

describe.skipIf(NO_DATABASE)(`stageLogAppended: a trainer's log, live (${TEST_DB})`, () => {
  let app: TestApp;
  let client: Client;
  const dir = mkdtempSync(path.join(tmpdir(), 'ste-log-'));
  const gate = path.join(dir, 'gate');

  /** Every line of one subscription until it completes or fails. */
  const follow = (variables: Record<string, unknown>): Promise<Outcome> =>
    new Promise((resolve) => {
      const outcome: Outcome = { lines: [], completed: false, errors: [] };
      client.subscribe<{ stageLogAppended: Line }>({ query: LOG, variables }, {
        next: (m) => {
          if (m.errors) outcome.errors.push(...m.errors.map((e) => e.message));
          if (m.data) outcome.lines.push(m.data.stageLogAppended);
        },
        error: (e) => {
          outcome.errors.push(Array.isArray(e) ? (e as { message: string }[]).map((x) => x.message).join('; ') : String((e as Error).message ?? e));
          resolve(outcome);
        },
        complete: () => {
          outcome.completed = true;
          resolve(outcome);
        },
      });
    });

  beforeAll(async () => {
    const file = path.join(dir, 'ste.json');
    writeFileSync(file, JSON.stringify({
      trainers: { chatty: { type: 'COMMAND', command: [process.execPath, TRAINER, '--mode', 'chatty', '--gate', gate, '--output-dir', '{outputDir}', '--iteration', '{iteration}'] } },
    }));
    app = await startTestApp({ STE_CONFIG: file, TRAINING_DIR: path.join(dir, 'training') });
    client = createClient({ url: app.url.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
  });
  afterAll(async () => {
    await client?.dispose();
    await app?.stop();
  });

  it('streams every line of a running trainer in order, replayed then live, and completes when the stage ends', async () => {
    const id = dataOf(await app.gql<{ createExperiment: { id: string } }>(
      'mutation ($config: ExperimentConfigInput) { createExperiment(name: "log", config: $config) { id } }',
      { config: { samplesPerOrder: 1, seed: 5, training: { backend: 'COMMAND', trainer: 'chatty' } } },
    )).createExperiment.id;
    dataOf(await app.gql('mutation ($id: ID!, $c: String!) { importInstructions(experimentId: $id, content: $c) { accepted } }', { id, c: INSTRUCTIONS }));
    dataOf(await app.gql('mutation ($id: ID!) { runLoop(experimentId: $id, iterations: 1) { id } }', { id }));
    // The trainer waits at the gate once it has printed its first 50 lines.
    const { stage, stored } = await eventually(async () => {
      const r = dataOf(await app.gql<{ experiment: { stages: { id: string; kind: string }[] } }>('query ($id: ID!) { experiment(id: $id) { stages { id kind } } }', { id }));
      const stageId = r.experiment.stages.find((s) => s.kind === 'TRAIN')?.id;
      const train = stageId === undefined
        ? undefined
        : { id: stageId, log: dataOf(await app.gql<{ stage: { log: Line[] } }>('query ($id: ID!) { stage(id: $id) { log(last: 1000) { id stream line } } }', { id: stageId })).stage.log };
      return train?.log.some((l) => l.line === 'line 50') ? { stage: train.id, stored: train.log } : undefined;
    }, 120_000, 200);
    expect(stored.map((l) => l.line)).toEqual(['sim-trainer chatty iteration 1 base undefined hyperparameters {}', ...Array.from({ length: 50 }, (_, i) => `line ${i + 1}`)]);

    const everything = follow({ id: stage, after: '0' });
    const fromLine25 = follow({ id: stage, after: stored.find((l) => l.line === 'line 25')!.id });
    // `ste stage log --follow` prints the stored lines, then the new ones until the stage ends.
    const cli = startCli(['stage', 'log', stage, '--follow', '--last', '1000'], app.url);
    writeFileSync(gate, '');
    const [all, rest, printed] = await Promise.all([everything, fromLine25, cli.done]);

    const expected = ['sim-trainer chatty iteration 1 base undefined hyperparameters {}', ...Array.from({ length: 1000 }, (_, i) => `line ${i + 1}`)];
    expect(all.errors).toEqual([]);
    expect(all.completed).toBe(true);
    expect(all.lines.map((l) => l.line)).toEqual(expected);
    expect(all.lines.every((l) => l.stream === 'stdout')).toBe(true);
    const ids = all.lines.map((l) => Number(l.id));
    expect(ids.every((value, i) => i === 0 || value > ids[i - 1]!)).toBe(true);
    expect(rest.completed).toBe(true);
    expect(rest.lines.map((l) => l.line)).toEqual(expected.slice(26));
    // (Its first 1,000 stored lines, read when it starts, then the rest live: every line to the end, once, in order.)
    expect(printed).toMatchObject({ code: 0, stderr: `stage ${stage} (TRAIN) SUCCEEDED\n` });
    const printedLines = printed.stdout.split('\n').slice(0, -1);
    expect(printedLines.length).toBeGreaterThanOrEqual(1000);
    expect(printedLines).toEqual(expected.slice(expected.length - printedLines.length));

    const status = dataOf(await app.gql<{ stage: { status: string; kind: string } }>('query ($id: ID!) { stage(id: $id) { kind status } }', { id: stage })).stage;
    expect(status).toEqual({ kind: 'TRAIN', status: 'SUCCEEDED' });

    // On an ended stage: the replay, then complete at once; without afterId (only new lines) nothing.
    const replay = await follow({ id: stage, after: '0' });
    expect(replay.completed).toBe(true);
    expect(replay.lines.map((l) => l.line)).toEqual(expected);
    const onlyNew = await follow({ id: stage });
    expect(onlyNew).toEqual({ lines: [], completed: true, errors: [] });
    expect(existsSync(gate)).toBe(true);

    // ste stage log without --follow: the last lines; --json: the stage and its lines.
    expect(await runCli(['stage', 'log', stage, '--last', '2'], app.url)).toEqual({ code: 0, stdout: 'line 999\nline 1000\n', stderr: '' });
    const json = await runCli(['--json', 'stage', 'log', stage, '--last', '1'], app.url);
    expect(JSON.parse(json.stdout)).toEqual({ stage: { id: stage, kind: 'TRAIN', status: 'SUCCEEDED', error: null }, lines: [{ id: all.lines.at(-1)!.id, stream: 'stdout', line: 'line 1000' }] });
    // ste stage cancel on a stage that has ended: refused with the reason, exit 1.
    expect(await runCli(['stage', 'cancel', stage], app.url)).toEqual({ code: 1, stdout: '', stderr: `ste: stage ${stage} is SUCCEEDED: only a QUEUED, RUNNING or PAUSED stage can be cancelled\n` });
  }, 180_000);

  it('refuses an unknown stage and a malformed afterId, naming the argument', async () => {
    const unknown = await follow({ id: '999999' });
    expect(unknown.lines).toEqual([]);
    expect(unknown.errors).toEqual(['stageId: no stage with id 999999']);
    const malformed = await follow({ id: '1', after: 'x' });
    expect(malformed.errors).toEqual(['afterId: "x" is not a valid id']);
    expect(await runCli(['stage', 'log', '999999', '--follow'], app.url)).toEqual({ code: 1, stdout: '', stderr: 'ste: stage 999999 not found\n' });
    expect(await runCli(['stage', 'log', '1', '--last', '5000'], app.url)).toMatchObject({ code: 2, stdout: '' });
  });
});
