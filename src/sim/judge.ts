/**
 * Writing a judgment: a short reasoning paragraph derived from the judge's features, then the
 * verdict label, sampled from the judge model's probability.
 */
import { FEATURE_NAMES, verdictProbability } from './judge-model.js';
import { answerName, verdictLabel, type VerdictFormat } from './judge-prompt.js';
import { pick, type Rng } from './rng.js';

const COVERAGE = FEATURE_NAMES.indexOf('coverage');
const LENGTH = FEATURE_NAMES.indexOf('length');
const LIST = FEATURE_NAMES.indexOf('list');

const OPENERS = [
  'Comparing the two responses:',
  'Looking at both answers side by side:',
  'Both responses attempt the task.',
  'I compared the two responses against the user question.',
];
const CONCLUSIONS = [
  (w: string) => `Weighing relevance and completeness, ${w} follows the user's instructions better.`,
  (w: string) => `Overall, ${w} answers the question that was actually asked more faithfully.`,
  (w: string) => `On balance, ${w} is the more helpful and relevant response.`,
];
const UNDECIDED = [
  'Both responses have merits and weaknesses, and the differences are hard to weigh.',
  'It is difficult to separate the two responses on helpfulness and relevance.',
];

export type JudgmentDraw = { text: string; verdict: 'A' | 'B' | null };

/**
 * One judgment. `z` is the model's logit for "A is better"; `malformed` drops the verdict label
 * (the injected fault), so the output is unparseable by construction.
 */
export function writeJudgment(
  features: readonly number[],
  z: number,
  format: VerdictFormat,
  sampling: { temperature: number; topP: number },
  rng: Rng,
  malformed: boolean,
): JudgmentDraw {
  const pA = verdictProbability(z, sampling.temperature, sampling.topP);
  const verdict: 'A' | 'B' = rng() < pA ? 'A' : 'B';
  if (format.labelOnly) {
    return malformed ? { text: 'Neither output is clearly better.', verdict: null } : { text: verdictLabel(format.style, verdict), verdict };
  }
  const a = answerName(format.style, 'A');
  const b = answerName(format.style, 'B');
  const parts = [pick(rng, OPENERS)];
  const coverage = features[COVERAGE] ?? 0;
  if (coverage > 0.05) parts.push(`${a} addresses more of the key points in the question than ${b}.`);
  else if (coverage < -0.05) parts.push(`${b} addresses more of the key points in the question than ${a}.`);
  else parts.push('Both responses address the key points of the question to a similar degree.');
  const length = features[LENGTH] ?? 0;
  if (Math.abs(length) > 0.1) parts.push(`${length > 0 ? a : b} is more detailed, although length alone is not a merit.`);
  const list = features[LIST] ?? 0;
  if (Math.abs(list) > 0.5) parts.push(`${list > 0 ? a : b} is organised as a list, which makes it easier to follow.`);
  if (malformed) {
    parts.push(pick(rng, UNDECIDED));
    return { text: parts.join(' '), verdict: null };
  }
  parts.push(pick(rng, CONCLUSIONS)(answerName(format.style, verdict)));
  return { text: `${parts.join(' ')}\n\n${verdictLabel(format.style, verdict)}`, verdict };
}
