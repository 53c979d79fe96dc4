/**
 * The simulator's trainable judge: logistic regression over cheap text features of
 * (question, answer A, answer B). P(A is better) = sigmoid(w . f). Each model name maps to a
 * weight vector; fine-tuning fits a new one by gradient descent. Nothing here knows which answer
 * is "really" better: any accuracy comes from the features and the fitted weights.
 */
import type { JudgeInputs } from './judge-prompt.js';
import { createRng, shuffle } from './rng.js';
import { keywords, wordSet } from './text.js';

/** Feature order; every feature except `bias` is (value for A) - (value for B). */
export const FEATURE_NAMES = ['bias', 'coverage', 'missing', 'length', 'list', 'precision', 'short'] as const;
export type JudgeWeights = readonly number[];

/**
 * Seed judge weights: a weak correct signal (coverage of the question's key words), a length
 * preference and a position bias towards A, so an untrained judge is only somewhat better than chance.
 */
export const SEED_WEIGHTS: JudgeWeights = [0.35, 0.9, -0.1, 0.25, 0.1, 0.3, -0.3];

const LIST_LINE = /^[ \t]*(?:[-*•]|\d+[.)])[ \t]+/gm;

type AnswerFeatures = { coverage: number; missing: number; length: number; list: number; precision: number; short: number };

function answerFeatures(questionKeys: readonly string[], answer: string): AnswerFeatures {
  const words = wordSet(answer);
  let hits = 0;
  for (const k of questionKeys) if (words.has(k)) hits += 1;
  const total = Math.max(1, questionKeys.length);
  return {
    coverage: hits / total,
    missing: Math.log1p(questionKeys.length - hits),
    length: Math.log1p(answer.length) / 4,
    list: Math.log1p((answer.match(LIST_LINE) ?? []).length),
    precision: words.size === 0 ? 0 : Math.min(1, (hits * 4) / words.size),
    short: answer.trim().length < 20 ? 1 : 0,
  };
}

/** The feature vector of a comparison, in FEATURE_NAMES order. */
export function judgeFeatures(inputs: JudgeInputs): number[] {
  const keys = keywords(inputs.question, 40);
  const a = answerFeatures(keys, inputs.answerA);
  const b = answerFeatures(keys, inputs.answerB);
  return [
    1,
    a.coverage - b.coverage,
    a.missing - b.missing,
    a.length - b.length,
    a.list - b.list,
    a.precision - b.precision,
    a.short - b.short,
  ];
}

export function logit(weights: JudgeWeights, features: readonly number[]): number {
  let z = 0;
  for (let i = 0; i < features.length; i += 1) z += (weights[i] ?? 0) * features[i]!;
  return z;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/**
 * Probability that the sampled verdict is A, for a sampling temperature (0 = argmax) and top_p
 * (nucleus over the two labels: a label whose probability reaches top_p is taken alone).
 */
export function verdictProbability(z: number, temperature: number, topP: number): number {
  if (temperature <= 0) return z >= 0 ? 1 : 0;
  const p = sigmoid(z / temperature);
  if (topP < 1 && Math.max(p, 1 - p) >= topP) return p >= 0.5 ? 1 : 0;
  return p;
}

export type TrainingExample = { features: readonly number[]; target: 0 | 1 };

export type FitOptions = {
  /** Gradient steps (mini-batches). */
  steps: number;
  batchSize: number;
  learningRate: number;
  /** L2 penalty on every weight except the bias. */
  l2: number;
  seed: number;
};

export type FitResult = { weights: number[]; losses: number[] };

function loss(weights: readonly number[], batch: readonly TrainingExample[], l2: number): number {
  let total = 0;
  for (const ex of batch) {
    const p = Math.min(1 - 1e-12, Math.max(1e-12, sigmoid(logit(weights, ex.features))));
    total -= ex.target === 1 ? Math.log(p) : Math.log(1 - p);
  }
  let penalty = 0;
  for (let i = 1; i < weights.length; i += 1) penalty += weights[i]! * weights[i]!;
  return total / Math.max(1, batch.length) + l2 * penalty;
}

/** Mini-batch gradient descent on the logistic loss, from `initial`, with a seeded batch order. */
export function fitJudge(examples: readonly TrainingExample[], initial: JudgeWeights, options: FitOptions): FitResult {
  const weights = Array.from({ length: FEATURE_NAMES.length }, (_, i) => initial[i] ?? 0);
  const losses: number[] = [];
  if (examples.length === 0) return { weights, losses };
  const rng = createRng(options.seed);
  const order = shuffle(rng, examples.map((_, i) => i));
  const batchSize = Math.max(1, Math.min(options.batchSize, examples.length));
  let cursor = 0;
  const gradient = new Array<number>(weights.length);
  for (let step = 0; step < options.steps; step += 1) {
    gradient.fill(0);
    const batch: TrainingExample[] = [];
    for (let k = 0; k < batchSize; k += 1) {
      if (cursor >= order.length) {
        shuffle(rng, order);
        cursor = 0;
      }
      const ex = examples[order[cursor]!]!;
      cursor += 1;
      batch.push(ex);
      const error = sigmoid(logit(weights, ex.features)) - ex.target;
      for (let i = 0; i < weights.length; i += 1) gradient[i]! += error * (ex.features[i] ?? 0);
    }
    for (let i = 0; i < weights.length; i += 1) {
      const decay = i === 0 ? 0 : 2 * options.l2 * weights[i]!;
      weights[i] = weights[i]! - options.learningRate * (gradient[i]! / batchSize + decay);
    }
    losses.push(loss(weights, batch, options.l2));
  }
  return { weights, losses };
}
