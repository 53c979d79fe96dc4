// Generated from dashboard/operations/*.graphql by graphql-codegen (codegen.ts): do not edit, run `npm run codegen`.
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** How an item's verdicts changed from evaluation a to b. An item is right when it is correct in every order it was judged in. */
export type ItemChange =
  /** Right in a, wrong in b. */
  | 'BROKEN'
  /** Wrong in a, right in b. */
  | 'FIXED'
  /** Right in both. */
  | 'STILL_RIGHT'
  /** Wrong in both. */
  | 'STILL_WRONG';

/** Lifecycle of an iteration. */
export type IterationStatus =
  /** Training data is exported; waiting for `registerJudgeModel` to name the trained model (external backend). */
  | 'AWAITING_MODEL'
  /** Cancelled on request. */
  | 'CANCELLED'
  /** A stage failed (see `error`). */
  | 'FAILED'
  /** Created; no stage has run yet. */
  | 'PENDING'
  /** One of its stages is running. */
  | 'RUNNING'
  /** Its judge is trained: `trainedModel` is set. */
  | 'SUCCEEDED';

/** Filters for judgments; every field left out matches everything. */
export type JudgmentFilter = {
  /** Only correct (true) or incorrect (false) judgments. */
  correct?: boolean | null | undefined;
  /** Only this order. */
  order?: JudgmentOrder | null | undefined;
  /** Only judgments whose reasoning or whose pair's instruction (x) contains every one of these words: PostgreSQL full-text search with the `english` configuration (word stems match: "cats" finds "cat"; stop words such as "the" are ignored), the same on PostgreSQL and PGlite. 1 to 200 characters with at least one searchable word. */
  search?: string | null | undefined;
  /** Only selected (true) or unselected (false) judgments. */
  selected?: boolean | null | undefined;
  /** Only this verdict. */
  verdict?: Verdict | null | undefined;
};

/** Which position the winning answer y_w had when the judge saw the pair. */
export type JudgmentOrder =
  /** y_w was shown as answer A, so the correct verdict is A. */
  | 'CHOSEN_FIRST'
  /** y_w was shown as answer B, so the correct verdict is B. */
  | 'CHOSEN_SECOND';

/** Whether a pair can be judged. */
export type PairStatus =
  /** Both answers exist and the format parsed: judged by every iteration. */
  | 'READY'
  /** The generator's output broke the format, repeated x, or was empty or cut off (see `error` and `rawOutput`). */
  | 'REJECTED';

/** How the accuracies behind RewardBench section scores were scored. */
export type RewardBenchScoring =
  /** k > 1: each order's majority verdict (the paper's majority-vote figure). */
  | 'MAJORITY_VOTE'
  /** One sample per order (k = 1): its verdict. */
  | 'ONE_VERDICT'
  /** k > 1: every sample scored on its own (the expected accuracy of one sampled judgment). */
  | 'PER_SAMPLE';

/** The stages of the loop (METHOD.md) and of evaluation. */
export type StageKind =
  /** The generator labels each instruction with one category. */
  | 'CATEGORIZE'
  /** A judge scored on a labeled benchmark. */
  | 'EVALUATE'
  /** y_w, x' and y_l for each instruction. */
  | 'GENERATE_PAIRS'
  /** The iteration's judge judges every ready pair in both orders, N samples per order. */
  | 'JUDGE'
  /** Rejection sampling: one correct judgment per pair and order, balanced A/B. */
  | 'SELECT'
  /** Fine-tuning on the selected judgments. */
  | 'TRAIN';

/** Lifecycle of a stage. */
export type StageStatus =
  /** Stopped on request; resumable. */
  | 'CANCELLED'
  /** Stopped by an error (see `error`); resumable. */
  | 'FAILED'
  /** Stopped because the experiment's token budget is reached (the reason is in `message`); resumes when the budget is raised with setTokenBudget. */
  | 'PAUSED'
  /** Created, waiting for a worker. */
  | 'QUEUED'
  /** Workers are processing its items. */
  | 'RUNNING'
  /** Finished; `failed` counts items that failed after every retry. */
  | 'SUCCEEDED';

/** Where fine-tuning happens. */
export type TrainingBackend =
  /** A trainer command named in the server's configuration file (STE_CONFIG), run by a worker as a child process; it writes result.json with the served model's name. */
  | 'COMMAND'
  /** An external trainer (TRL, axolotl, torchtune): export the data, then call registerJudgeModel. */
  | 'EXTERNAL'
  /** Any host of OpenAI's files + fine-tuning API (OpenAI itself, or the built-in simulator). */
  | 'OPENAI'
  /** A trainer reached by a signed webhook named in the server's configuration file; it downloads the training file with a token and reports the model with completeTraining or a signed callback. */
  | 'WEBHOOK';

/** Fine-tuning objective. */
export type TrainingMethod =
  /** Preference optimisation: chosen = a correct judgment, rejected = an incorrect or unparseable one. */
  | 'DPO'
  /** Supervised fine-tuning on (judge prompt -> selected judgment), as in the paper. */
  | 'SUPERVISED';

/** What the judge's output says. Outputs naming both labels, or none, are UNPARSEABLE: never guessed. */
export type Verdict =
  /** Answer A is better. */
  | 'A'
  /** Answer B is better. */
  | 'B'
  /** An explicit tie label and no other. */
  | 'TIE'
  /** No single label could be read from the output. */
  | 'UNPARSEABLE';

export type AccuracyFieldsFragment = { value: number, low: number, high: number };

export type EvaluationBriefFragment = { id: string, status: StageStatus, partial: boolean, judgeModel: string, createdAt: string, benchmark: { id: string, name: string }, overall: { agreementItems: number, accuracy: { value: number, low: number, high: number } | null, chosenFirst: { value: number, low: number, high: number } | null, chosenSecond: { value: number, low: number, high: number } | null, agreementRate: { value: number, low: number, high: number } | null } };

export type ExperimentEvaluationsQueryVariables = Exact<{
  id: string | number;
}>;


export type ExperimentEvaluationsQuery = { experiment: { seedEvaluations: Array<{ id: string, status: StageStatus, partial: boolean, judgeModel: string, createdAt: string, benchmark: { id: string, name: string }, overall: { agreementItems: number, accuracy: { value: number, low: number, high: number } | null, chosenFirst: { value: number, low: number, high: number } | null, chosenSecond: { value: number, low: number, high: number } | null, agreementRate: { value: number, low: number, high: number } | null } }>, iterations: Array<{ index: number, evaluations: Array<{ id: string, status: StageStatus, partial: boolean, judgeModel: string, createdAt: string, benchmark: { id: string, name: string }, overall: { agreementItems: number, accuracy: { value: number, low: number, high: number } | null, chosenFirst: { value: number, low: number, high: number } | null, chosenSecond: { value: number, low: number, high: number } | null, agreementRate: { value: number, low: number, high: number } | null } }> }> } | null };

export type RewardBenchScoreFieldsFragment = { overall: number | null, partialMean: number | null, label: string };

export type EvaluationSubsetsQueryVariables = Exact<{
  id: string | number;
}>;


export type EvaluationSubsetsQuery = { evaluation: { id: string, subsets: Array<{ subset: string, accuracy: { value: number, low: number, high: number } | null }>, rewardBench: { scoring: RewardBenchScoring, mean: { overall: number | null, partialMean: number | null, label: string }, majorityVote: { scoring: RewardBenchScoring, mean: { overall: number | null, partialMean: number | null, label: string } } | null } } | null };

export type EvaluationDiffQueryVariables = Exact<{
  a: string | number;
  b: string | number;
}>;


export type EvaluationDiffQuery = { evaluationDiff: { fixed: number, broken: number, stillWrong: number, stillRight: number, onlyInA: number, onlyInB: number, accuracyA: number | null, accuracyB: number | null, accuracyChange: { value: number, low: number, high: number } | null } };

export type EvaluationDiffPageQueryVariables = Exact<{
  a: string | number;
  b: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
  changes?: Array<ItemChange> | ItemChange | null | undefined;
  subset?: string | null | undefined;
}>;


export type EvaluationDiffPageQuery = { evaluationDiff: { itemPage: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { change: ItemChange, item: { id: string, subset: string, prompt: string }, a: { score: number, chosenFirst: Verdict | null, chosenSecond: Verdict | null }, b: { score: number, chosenFirst: Verdict | null, chosenSecond: Verdict | null } } }> } } };

export type OrderVerdictFieldsFragment = { verdict: Verdict, score: number, samples: Array<{ sample: number, verdict: Verdict, reasoning: string }> };

export type EvaluationItemQueryVariables = Exact<{
  id: string | number;
  itemId: string | number;
  against?: string | number | null | undefined;
}>;


export type EvaluationItemQuery = { evaluation: { id: string, judgeModel: string, experimentId: string | null, iterationId: string | null, benchmark: { id: string, name: string }, items: { edges: Array<{ node: { score: number, right: boolean, change: ItemChange | null, item: { id: string, position: number, subset: string, sourceId: string | null, prompt: string, chosen: string, rejected: string }, chosenFirst: { verdict: Verdict, score: number, samples: Array<{ sample: number, verdict: Verdict, reasoning: string }> } | null, chosenSecond: { verdict: Verdict, score: number, samples: Array<{ sample: number, verdict: Verdict, reasoning: string }> } | null } }> } } | null };

export type CompareExperimentQueryVariables = Exact<{
  id: string | number;
}>;


export type CompareExperimentQuery = { experiment: { id: string, name: string, iterations: Array<{ id: string, index: number, stats: { judgments: number, correct: number } }> } | null, evaluations: { edges: Array<{ node: { id: string, status: StageStatus, iterationId: string | null, createdAt: string, benchmark: { id: string, name: string }, overall: { accuracy: { value: number, low: number, high: number } | null } } }> } };

export type IterationStatsFragment = { judgments: number, correct: number, incorrect: number, unparseable: number, ties: number, selected: number, selectedAWins: number, selectedBWins: number, promptTokens: number, completionTokens: number };

export type MoneyFieldsFragment = { amount: string, value: number, currency: string };

export type ExperimentQueryVariables = Exact<{
  id: string | number;
}>;


export type ExperimentQuery = { experiment: { id: string, name: string, createdAt: string, instructionCount: number, unpricedModels: Array<string>, config: { judgeModel: string, generatorModel: string, samplesPerOrder: number, seed: number, temperature: number }, loop: { status: string, targetIteration: number, error: string | null } | null, stages: Array<{ id: string, kind: StageKind, status: StageStatus, total: number, done: number, failed: number, iterationId: string | null, error: string | null, startedAt: string | null, finishedAt: string | null, promptTokens: number, completionTokens: number }>, cost: { amount: string, value: number, currency: string } | null, iterations: Array<{ id: string, index: number, status: IterationStatus, judgeModel: string, trainedModel: string | null, error: string | null, cost: { amount: string, value: number, currency: string } | null, stats: { judgments: number, correct: number, incorrect: number, unparseable: number, ties: number, selected: number, selectedAWins: number, selectedBWins: number, promptTokens: number, completionTokens: number } }> } | null };

export type BenchmarkNamesQueryVariables = Exact<{ [key: string]: never; }>;


export type BenchmarkNamesQuery = { benchmarks: Array<{ id: string, name: string }> };

export type ImportInstructionsMutationVariables = Exact<{
  experimentId: string | number;
  content: string;
  source?: string | null | undefined;
}>;


export type ImportInstructionsMutation = { importInstructions: { accepted: number, instructionCount: number, duplicates: Array<{ line: number }>, rejected: Array<{ line: number, reason: string }> } };

export type RunLoopMutationVariables = Exact<{
  experimentId: string | number;
  iterations: number;
  evaluateOn?: Array<string | number> | string | number | null | undefined;
}>;


export type RunLoopMutation = { runLoop: { loop: { status: string, targetIteration: number } | null } };

export type EvaluateJudgeMutationVariables = Exact<{
  benchmarkId: string | number;
  experimentId?: string | number | null | undefined;
  iterationId?: string | number | null | undefined;
}>;


export type EvaluateJudgeMutation = { evaluateJudge: { id: string, status: StageStatus } };

export type ExperimentInstructionsQueryVariables = Exact<{
  id: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
  search?: string | null | undefined;
}>;


export type ExperimentInstructionsQuery = { experiment: { instructions: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, text: string, category: string | null, excludedReason: string | null } }> } } | null };

export type ExperimentPairsQueryVariables = Exact<{
  id: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
  status?: PairStatus | null | undefined;
  search?: string | null | undefined;
}>;


export type ExperimentPairsQuery = { experiment: { pairs: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, status: PairStatus, error: string | null, instruction: { id: string, text: string } } }> } } | null };

export type HomeQueryVariables = Exact<{ [key: string]: never; }>;


export type HomeQuery = { experiments: { totalCount: number, edges: Array<{ node: { id: string, name: string, createdAt: string, instructionCount: number, loop: { status: string } | null, stages: Array<{ promptTokens: number, completionTokens: number }>, iterations: Array<{ status: IterationStatus }> } }> }, benchmarks: Array<{ id: string, name: string, format: string, size: number, createdAt: string, subsets: Array<{ name: string, size: number }> }> };

export type HomeEvaluationsQueryVariables = Exact<{ [key: string]: never; }>;


export type HomeEvaluationsQuery = { evaluations: { edges: Array<{ node: { experimentId: string | null, status: StageStatus, benchmark: { name: string }, overall: { accuracy: { value: number } | null } } }> } };

export type CreateExperimentMutationVariables = Exact<{
  name: string;
  samplesPerOrder?: number | null | undefined;
}>;


export type CreateExperimentMutation = { createExperiment: { id: string } };

export type IterationQueryVariables = Exact<{
  id: string | number;
}>;


export type IterationQuery = { iteration: { id: string, index: number, status: IterationStatus, error: string | null, judgeModel: string, trainedModel: string | null, unpricedModels: Array<string>, experiment: { id: string, name: string }, stages: Array<{ id: string, kind: StageKind, status: StageStatus, total: number, done: number, failed: number, iterationId: string | null, error: string | null, startedAt: string | null, finishedAt: string | null, promptTokens: number, completionTokens: number }>, stats: { judgments: number, correct: number, incorrect: number, unparseable: number, ties: number, selected: number, selectedAWins: number, selectedBWins: number, promptTokens: number, completionTokens: number }, cost: { amount: string, value: number, currency: string } | null, trainingJobs: Array<{ stageIndex: number, backend: TrainingBackend, method: TrainingMethod, baseModel: string, examples: number, externalJobId: string | null, status: string, fineTunedModel: string | null, error: string | null, adapter: { endpoint: string, loaded: boolean, unloadedAt: string | null } | null }> } | null };

export type TrainingJobFieldsFragment = { stageIndex: number, backend: TrainingBackend, method: TrainingMethod, baseModel: string, examples: number, externalJobId: string | null, status: string, fineTunedModel: string | null, error: string | null, adapter: { endpoint: string, loaded: boolean, unloadedAt: string | null } | null };

export type JudgmentAddedSubscriptionVariables = Exact<{
  iterationId: string | number;
  afterSeq?: number | null | undefined;
}>;


export type JudgmentAddedSubscription = { judgmentAdded: { seq: number, order: JudgmentOrder, sample: number, verdict: Verdict, correct: boolean, selected: boolean, reasoning: string, model: string, pair: { id: string } } };

export type IterationUpdatedSubscriptionVariables = Exact<{
  experimentId: string | number;
}>;


export type IterationUpdatedSubscription = { iterationUpdated: { id: string } };

export type IterationJudgmentsQueryVariables = Exact<{
  id: string | number;
  first?: number | null | undefined;
  filter?: JudgmentFilter | null | undefined;
  after?: string | null | undefined;
}>;


export type IterationJudgmentsQuery = { iteration: { judgments: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { seq: number, order: JudgmentOrder, sample: number, verdict: Verdict, correct: boolean, selected: boolean, reasoning: string, pair: { id: string }, usage: { promptTokens: number, completionTokens: number } } }> } } | null };

export type PairQueryVariables = Exact<{
  id: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type PairQuery = { pair: { id: string, status: PairStatus, error: string | null, modifiedInstruction: string | null, chosen: string | null, rejected: string | null, instruction: { id: string, text: string, category: string | null }, judgments: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, seq: number, order: JudgmentOrder, sample: number, verdict: Verdict, correct: boolean, selected: boolean, model: string, reasoning: string, finishReason: string | null, usage: { promptTokens: number, completionTokens: number }, iteration: { id: string, index: number } } }> } } | null };

export type PairJudgeTemplateQueryVariables = Exact<{
  iterationId: string | number;
}>;


export type PairJudgeTemplateQuery = { iteration: { experiment: { id: string, name: string, config: { judgeTemplate: { system: string, user: string } } } } | null };

export type LogLineFragment = { id: string, stream: string, line: string };

export type StageLogQueryVariables = Exact<{
  id: string | number;
  last?: number | null | undefined;
}>;


export type StageLogQuery = { stage: { log: Array<{ id: string, stream: string, line: string }> } | null };

export type StageLogAppendedSubscriptionVariables = Exact<{
  stageId: string | number;
  afterId?: string | number | null | undefined;
}>;


export type StageLogAppendedSubscription = { stageLogAppended: { id: string, stream: string, line: string } };

export type RegisterJudgeModelMutationVariables = Exact<{
  iterationId: string | number;
  model: string;
}>;


export type RegisterJudgeModelMutation = { registerJudgeModel: { status: IterationStatus, trainedModel: string | null } };

export type ServiceInfoQueryVariables = Exact<{ [key: string]: never; }>;


export type ServiceInfoQuery = { serviceInfo: { database: string, endpoint: string, role: string, version: string } };

export type NavExperimentsQueryVariables = Exact<{ [key: string]: never; }>;


export type NavExperimentsQuery = { experiments: { edges: Array<{ node: { id: string, name: string, loop: { status: string } | null, iterations: Array<{ id: string }> } }> } };

export type StageFieldsFragment = { id: string, kind: StageKind, status: StageStatus, total: number, done: number, failed: number, iterationId: string | null, error: string | null, startedAt: string | null, finishedAt: string | null, promptTokens: number, completionTokens: number };

export type StageUpdatedSubscriptionVariables = Exact<{
  experimentId: string | number;
}>;


export type StageUpdatedSubscription = { stageUpdated: { id: string, kind: StageKind, status: StageStatus, total: number, done: number, failed: number, iterationId: string | null, error: string | null, startedAt: string | null, finishedAt: string | null, promptTokens: number, completionTokens: number } };

export type CancelStageMutationVariables = Exact<{
  stageId: string | number;
}>;


export type CancelStageMutation = { cancelStage: { status: StageStatus } };

export type ResumeStageMutationVariables = Exact<{
  stageId: string | number;
}>;


export type ResumeStageMutation = { resumeStage: { status: StageStatus } };
