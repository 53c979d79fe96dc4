/**
 * Peer comparison: the same judge completions (one choice per request) through this service,
 * through promptfoo (what a user might pick instead) and through a plain script of the `openai`
 * client that inserts each result into PostgreSQL. Same simulator settings for all three.
 * promptfoo 0.121.20 (the last release that runs on Node 20) is installed into bench/.promptfoo
 * on first use.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import pg from 'pg';
import { DEFAULT_JUDGE_TEMPLATE, judgePrompt, verdictParser } from '../src/domain/prompts.js';
import type { Child } from './lib.js';
import { freshDatabase, startSimulatorProcess } from './lib.js';

const PROMPTFOO_VERSION = '0.121.20';
const PROMPTFOO_DIR = path.resolve('bench/.promptfoo');

export type JudgeCall = { system: string; user: string; expected: 'A' | 'B'; seed: number };

/** The judge prompts of `pairs` synthetic pairs, both orders, `samples` each. */
export function judgeCalls(questions: string[], samples: number): JudgeCall[] {
  const calls: JudgeCall[] = [];
  questions.forEach((q, i) => {
    const good = `A direct answer to the question: ${q} It covers each point the question raises.`;
    const bad = `An answer to a related but different question, close to: ${q.split(' ').slice(0, 6).join(' ')}.`;
    for (const [a, b, expected] of [[good, bad, 'A'], [bad, good, 'B']] as const) {
      const [system, user] = judgePrompt(DEFAULT_JUDGE_TEMPLATE, q, a, b);
      for (let s = 0; s < samples; s += 1) calls.push({ system: system!.content, user: user!.content, expected, seed: i * 100 + s });
    }
  });
  return calls;
}

async function withSimulator<T>(latencyMs: number, concurrency: number, fn: (sim: Child) => Promise<T>): Promise<T> {
  const sim = await startSimulatorProcess({ SIM_LOG_REQUESTS: '0', SIM_LATENCY_MS: String(latencyMs), SIM_MAX_CONCURRENCY: String(concurrency), SIM_MAX_N: '1' });
  try {
    return await fn(sim);
  } finally {
    await sim.stop();
  }
}

/** A plain script: openai client, a concurrency limit, one INSERT per result. Returns wall ms. */
export async function plainScript(databaseServer: string, calls: JudgeCall[], latencyMs: number, concurrency: number): Promise<number> {
  const database = await freshDatabase(databaseServer, 'plain');
  const pool = new pg.Pool({ connectionString: database.url, max: 16 });
  // An idle connection closed by the server (the database is dropped right after) must not crash the run.
  pool.on('error', () => {});
  await pool.query('create table results (id serial primary key, seed int, verdict text, correct boolean, body text)');
  const parse = verdictParser(DEFAULT_JUDGE_TEMPLATE);
  try {
    return await withSimulator(latencyMs, concurrency, async (sim) => {
      const client = new OpenAI({ baseURL: sim.url, apiKey: 'sim', maxRetries: 5 });
      let next = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < calls.length) {
            const call = calls[next++]!;
            const response = await client.chat.completions.create({
              model: 'sim-judge',
              messages: [{ role: 'system', content: call.system }, { role: 'user', content: call.user }],
              temperature: 0.7,
              top_p: 0.9,
              max_tokens: 256,
              seed: call.seed,
            });
            const text = response.choices[0]?.message.content ?? '';
            const verdict = parse(text);
            await pool.query('insert into results (seed, verdict, correct, body) values ($1, $2, $3, $4)', [call.seed, verdict, verdict === call.expected, text]);
          }
        }),
      );
      return performance.now() - start;
    });
  } finally {
    await pool.end();
    await database.drop();
  }
}

function ensurePromptfoo(): string {
  const bin = path.join(PROMPTFOO_DIR, 'node_modules/.bin/promptfoo');
  if (!existsSync(bin)) {
    mkdirSync(PROMPTFOO_DIR, { recursive: true });
    process.stderr.write(`installing promptfoo ${PROMPTFOO_VERSION} into ${PROMPTFOO_DIR} (first use)\n`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', PROMPTFOO_DIR, `promptfoo@${PROMPTFOO_VERSION}`], { stdio: 'inherit' });
  }
  return bin;
}

/** promptfoo eval with -j `concurrency`, no cache, a JavaScript assertion on the verdict. Returns wall ms. */
export async function promptfoo(calls: JudgeCall[], latencyMs: number, concurrency: number): Promise<number> {
  const bin = ensurePromptfoo();
  const work = path.join(PROMPTFOO_DIR, 'run');
  mkdirSync(work, { recursive: true });
  writeFileSync(path.join(work, 'tests.jsonl'), calls.map((c) => JSON.stringify({ vars: { system: c.system, user: c.user, expected: c.expected } })).join('\n'));
  writeFileSync(path.join(work, 'prompt.json'), JSON.stringify([{ role: 'system', content: '{{system}}' }, { role: 'user', content: '{{user}}' }]));
  return withSimulator(latencyMs, concurrency, async (sim) => {
    writeFileSync(
      path.join(work, 'promptfooconfig.yaml'),
      [
        'prompts: [file://prompt.json]',
        'providers:',
        '  - id: openai:chat:sim-judge',
        `    config: { apiBaseUrl: "${sim.url}", apiKey: sim, temperature: 0.7, top_p: 0.9, max_tokens: 256 }`,
        'defaultTest:',
        '  assert:',
        '    - type: javascript',
        "      value: \"output.includes('[[' + context.vars.expected + ']]')\"",
        'tests: file://tests.jsonl',
      ].join('\n'),
    );
    const start = performance.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(bin, ['eval', '-c', 'promptfooconfig.yaml', '-j', String(concurrency), '--no-cache', '--no-table', '--no-progress-bar'], {
        cwd: work,
        env: { ...process.env, PROMPTFOO_DISABLE_TELEMETRY: '1', PROMPTFOO_DISABLE_UPDATE: '1', PROMPTFOO_DISABLE_SHARING: '1', PROMPTFOO_CONFIG_DIR: path.join(work, '.config') },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
      // promptfoo exits 100 when assertions fail: the verdicts are not the point here.
      child.on('exit', (code) => (code === 0 || code === 100 ? resolve() : reject(new Error(`promptfoo exited ${code}: ${stderr}`))));
    });
    return performance.now() - start;
  });
}
