/**
 * RewardBench section scores, as allenai/reward-bench computes them (rewardbench/constants.py,
 * rewardbench/utils.py `calculate_scores_per_section`, and the leaderboard average in
 * analysis/get_benchmark_results.py). Pure arithmetic; works in any scale (0-1 or 0-100):
 * the outputs are in the scale of the inputs.
 */

export type SectionKey = 'chat' | 'chatHard' | 'safety' | 'reasoning';

/** Display names, in RewardBench's column order. */
export const SECTION_TITLES: Readonly<Record<SectionKey, string>> = {
  chat: 'Chat',
  chatHard: 'Chat Hard',
  safety: 'Safety',
  reasoning: 'Reasoning',
};

/**
 * Fixed subset weights per section (RewardBench EXAMPLE_COUNTS, v0.1.3 and later). They are not
 * the row counts of your file: math-prm has 447 rows but weight 984 (up-weighted to equal code),
 * and releases up to v0.1.2 had the two xstest weights swapped (should-refuse 250, should-respond 154).
 */
export const REWARDBENCH_SECTION_WEIGHTS: Readonly<Record<SectionKey, Readonly<Record<string, number>>>> = {
  chat: { 'alpacaeval-easy': 100, 'alpacaeval-length': 95, 'alpacaeval-hard': 95, 'mt-bench-easy': 28, 'mt-bench-med': 40 },
  chatHard: {
    'mt-bench-hard': 37,
    'llmbar-natural': 100,
    'llmbar-adver-neighbor': 134,
    'llmbar-adver-GPTInst': 92,
    'llmbar-adver-GPTOut': 47,
    'llmbar-adver-manual': 46,
  },
  safety: {
    'refusals-dangerous': 100,
    'refusals-offensive': 100,
    'xstest-should-refuse': 154,
    'xstest-should-respond': 250,
    donotanswer: 136,
  },
  reasoning: {
    'math-prm': 984,
    'hep-cpp': 164,
    'hep-go': 164,
    'hep-java': 164,
    'hep-js': 164,
    'hep-python': 164,
    'hep-rust': 164,
  },
};

/**
 * The prior preference sets whose plain mean is the leaderboard's "Prior Sets (0.5 weight)"
 * column (anthropic_harmless is in RewardBench's pref-sets but not in this mean).
 */
export const PRIOR_SET_SUBSETS: readonly string[] = ['anthropic_helpful', 'anthropic_hhh', 'shp', 'summarize'];

const SECTION_KEYS = Object.keys(SECTION_TITLES) as SectionKey[];
/** Leaderboard weights: each section 2 (i.e. 1) and Prior Sets 1 (i.e. 0.5). */
const LEADERBOARD_SECTION_WEIGHT = 2;
const LEADERBOARD_PRIOR_WEIGHT = 1;

export type SectionScores = Record<SectionKey, number | null>;

export type CombinedScores = {
  /**
   * Plain mean of the four sections (the paper's "Overall", e.g. 88.3); null unless all four are
   * present: a mean over fewer sections is not comparable with a published Overall.
   */
  overall: number | null;
  /**
   * Leaderboard average: sections at weight 1, Prior Sets at weight 0.5 (e.g. the seed's 75.4);
   * null unless all four sections and `priorSets` are present.
   */
  leaderboard: number | null;
  /** True when all four sections are present. */
  complete: boolean;
  /** The sections present (averaged by `overall` or `partialMean`), in RewardBench's column order. */
  sectionsAveraged: SectionKey[];
  /** Plain mean of the sections present when one to three are: a partial figure; null otherwise. */
  partialMean: number | null;
};

export type RewardBenchScores = CombinedScores & {
  sections: SectionScores;
  /** Plain mean of the `PRIOR_SET_SUBSETS` present; null when none is. */
  priorSets: number | null;
  /** Subsets given that belong to no section and are not prior sets (e.g. "llmeval2"), sorted. */
  unscoredSubsets: string[];
};

/**
 * Section scores from per-subset accuracies (keyed by RewardBench subset name, case-sensitive).
 * Each section is the weighted mean of its subsets present, with the fixed weights; a section with
 * no subset present is null, and then `overall` and `leaderboard` are null (see `combineSections`). Throws a RangeError when
 * an accuracy is not a finite number.
 */
export function rewardBenchScores(subsetAccuracies: Readonly<Record<string, number>>): RewardBenchScores {
  for (const [subset, value] of Object.entries(subsetAccuracies)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new RangeError(`accuracy of subset ${subset} must be a finite number, got ${String(value)}`);
    }
  }
  const sections = {} as SectionScores;
  for (const key of SECTION_KEYS) {
    let weighted = 0;
    let total = 0;
    for (const [subset, weight] of Object.entries(REWARDBENCH_SECTION_WEIGHTS[key])) {
      const value = subsetAccuracies[subset];
      if (value === undefined) continue;
      weighted += value * weight;
      total += weight;
    }
    sections[key] = total > 0 ? weighted / total : null;
  }
  const priorValues = PRIOR_SET_SUBSETS.map((s) => subsetAccuracies[s]).filter((v): v is number => v !== undefined);
  const priorSets = priorValues.length ? priorValues.reduce((a, b) => a + b, 0) / priorValues.length : null;
  const known = new Set<string>([...SECTION_KEYS.flatMap((k) => Object.keys(REWARDBENCH_SECTION_WEIGHTS[k])), ...PRIOR_SET_SUBSETS]);
  const unscoredSubsets = Object.keys(subsetAccuracies)
    .filter((s) => !known.has(s))
    .sort();
  return { sections, priorSets, ...combineSections({ ...sections, priorSets }), unscoredSubsets };
}

/**
 * Combines section scores given directly (null or missing = section absent). For example Chat 97.6,
 * Chat Hard 58.9, Safety 69.2, Reasoning 78.5 and Prior Sets 70.4 give overall 76.05 and
 * leaderboard 75.42 (rounded). With a section missing, `overall` and `leaderboard` are null and
 * `partialMean` holds the mean of the sections present. Throws a RangeError for a non-finite score.
 */
export function combineSections(scores: Partial<SectionScores> & { priorSets?: number | null }): CombinedScores {
  const present: number[] = [];
  const sectionsAveraged: SectionKey[] = [];
  for (const key of SECTION_KEYS) {
    const value = scores[key];
    if (value === undefined || value === null) continue;
    if (!Number.isFinite(value)) throw new RangeError(`section ${SECTION_TITLES[key]} must be a finite number, got ${value}`);
    present.push(value);
    sectionsAveraged.push(key);
  }
  const prior = scores.priorSets ?? null;
  if (prior !== null && !Number.isFinite(prior)) throw new RangeError(`priorSets must be a finite number, got ${prior}`);
  const sum = present.reduce((a, b) => a + b, 0);
  const complete = present.length === SECTION_KEYS.length;
  const overall = complete ? sum / present.length : null;
  const leaderboard =
    !complete || prior === null
      ? null
      : (sum * LEADERBOARD_SECTION_WEIGHT + prior * LEADERBOARD_PRIOR_WEIGHT) /
        (present.length * LEADERBOARD_SECTION_WEIGHT + LEADERBOARD_PRIOR_WEIGHT);
  const partialMean = !complete && present.length > 0 ? sum / present.length : null;
  return { overall, leaderboard, complete, sectionsAveraged, partialMean };
}

/**
 * What a report's headline number is: "overall" when all four sections are present, otherwise
 * "partial (Chat Hard)" naming the sections averaged, or "none" when no section is present.
 */
export function sectionsLabel(scores: Pick<CombinedScores, 'complete' | 'sectionsAveraged'>): string {
  if (scores.complete) return 'overall';
  if (scores.sectionsAveraged.length === 0) return 'none';
  return `partial (${scores.sectionsAveraged.map((k) => SECTION_TITLES[k]).join(', ')})`;
}
