/**
 * The TRL trainer recipes (trainers/): argument parsing and file handling only, with --dry-run,
 * which imports nothing heavy. Runs when a python3 is on PATH; no GPU, torch or trl needed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const PYTHON = spawnSync('python3', ['-c', 'import json, argparse'], { encoding: 'utf8' }).status === 0;
const dir = mkdtempSync(path.join(tmpdir(), 'ste-trainers-'));
const prompt = [{ role: 'system', content: 'Judge.' }, { role: 'user', content: 'Q? A: x B: y' }];
const judgment = (verdict: string) => [{ role: 'assistant', content: `Because. [[${verdict}]]` }];

function run(script: string, args: string[]) {
  const r = spawnSync('python3', [path.resolve('trainers', script), ...args], { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!PYTHON)('the TRL trainer recipes', () => {
  const sft = path.join(dir, 'trl-sft.jsonl');
  writeFileSync(sft, [{ messages: [...prompt, ...judgment('A')] }, { messages: [...prompt, ...judgment('B')] }].map((l) => JSON.stringify(l)).join('\n') + '\n');
  const dpo = path.join(dir, 'trl-dpo.jsonl');
  writeFileSync(dpo, JSON.stringify({ prompt, chosen: judgment('A'), rejected: judgment('B') }) + '\n');

  it('plans an SFT run with the paper\'s hyper-parameters and the given overrides, writing no result', () => {
    const out = path.join(dir, 'sft-out');
    const r = run('trl_sft.py', ['--train', sft, '--output-dir', out, '--base-model', 'meta-llama/Llama-3.1-8B-Instruct', '--iteration', '2', '--hyperparameters', '{"learning_rate": 2e-6}', '--dry-run']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`dry run: 2 sft examples, plan written to ${out}/plan.json\n`);
    expect(JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8'))).toEqual({
      trainer: 'sft', examples: 2, baseModel: 'meta-llama/Llama-3.1-8B-Instruct', servedName: 'ste-judge-it2', lora: false,
      hyperparameters: { learning_rate: 2e-6, warmup_steps: 100, lr_scheduler_type: 'cosine', num_train_epochs: 2, adam_beta1: 0.9, adam_beta2: 0.95, weight_decay: 0.1, max_length: 4096, per_device_train_batch_size: 1, gradient_accumulation_steps: 8, seed: 1 },
    });
    expect(existsSync(path.join(out, 'result.json'))).toBe(false);
  });

  it('plans a DPO run with beta 0.1 and the NLL term', () => {
    const out = path.join(dir, 'dpo-out');
    const r = run('trl_dpo.py', ['--train', dpo, '--output-dir', out, '--base-model', 'sft-model', '--dry-run', '--lora']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8')) as { examples: number; lora: boolean; hyperparameters: Record<string, unknown> };
    expect(plan).toMatchObject({ examples: 1, lora: true, hyperparameters: { beta: 0.1, rpo_alpha: 1.5, learning_rate: 1e-6 } });
  });

  it('refuses an unknown hyper-parameter, a file of the wrong format and a missing argument, and --help needs no torch', () => {
    const unknown = run('trl_sft.py', ['--train', sft, '--output-dir', dir, '--base-model', 'm', '--hyperparameters', '{"lr": 1}', '--dry-run']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown hyper-parameter(s) lr; known: adam_beta1');
    const wrong = run('trl_dpo.py', ['--train', sft, '--output-dir', dir, '--base-model', 'm', '--dry-run']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe(`${sft} line 1: missing prompt, chosen, rejected (expected our prompt/chosen/rejected export)\n`);
    const missing = run('trl_sft.py', ['--train', sft]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('the following arguments are required: --output-dir, --base-model');
    const help = run('trl_dpo.py', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--dry-run');
  });
});
