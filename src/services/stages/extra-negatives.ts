/**
 * The released DPO recipe's extra negatives (prepare_dpo_data.py's `negative_generation_dir`):
 * when a pair in one order has a correct judgment but no negative among its N samples, more
 * samples are drawn at a higher temperature, and only those that are not correct (wrong, tie or
 * unparseable) are kept, numbered after the N ordinary samples (N, N + 1, ...: sample N + i is the
 * request's choice i, so a rerun stores the same rows). Their correct samples are dropped, as the
 * script drops them: they would be positives drawn at another temperature. Off unless
 * `training.method` is DPO and `training.dpo.extraNegatives` is set.
 */
import { deriveSeed } from '../../domain/rng.js';
import { correctVerdict } from '../../domain/vocabulary.js';
import type { JudgmentOrder } from '../../domain/vocabulary.js';
import type { ChatResult, ChatPort } from '../../llm/index.js';
import { dpoOptionsOf } from '../experiments/config.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { judgeInOrder } from './judging.js';
import type { JudgedSample, Judge, JudgeTask } from './judging.js';

/** The extra negative samples of one pair and order, or null when none are asked for. */
export async function sampleExtraNegatives(
  llm: ChatPort,
  config: ExperimentConfig,
  item: { order: JudgmentOrder; textHash: string; iterationIndex: number; samples: readonly JudgedSample[] },
  judge: Judge,
  task: JudgeTask,
): Promise<{ samples: JudgedSample[]; usage: ChatResult['usage'] } | null> {
  const extra = dpoOptionsOf(config).extraNegatives;
  if (config.training.method !== 'DPO' || !extra) return null;
  const right = correctVerdict(item.order);
  const hasPositive = item.samples.some((s) => s.verdict === right);
  const hasNegative = item.samples.some((s) => s.verdict !== right);
  if (!hasPositive || hasNegative) return null;
  const judged = await judgeInOrder(llm, { ...judge, sampling: { ...judge.sampling, n: extra.samples, temperature: extra.temperature } }, {
    ...task,
    seed: deriveSeed(config.seed, 'judge-extra-negatives', item.iterationIndex, item.textHash, item.order),
  });
  const first = item.samples.length;
  return { usage: judged.usage, samples: judged.samples.filter((s) => s.verdict !== right).map((s) => ({ ...s, sample: first + s.sample })) };
}
