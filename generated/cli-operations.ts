// Generated from src/cli/operations/*.graphql by graphql-codegen (codegen.ts): do not edit, run `npm run codegen`.
/* eslint-disable @typescript-eslint/no-explicit-any -- typed-document-node's TypedDocumentString class */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type * as Types from './graphql-types.js';

import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type BenchmarkSummaryFragment = { id: string, name: string, format: string, size: number, createdAt: string, subsets: Array<{ name: string, size: number }> };

export type BenchmarkImportedFragment = { created: boolean, excludedInstructions: number, benchmark: { id: string, name: string, size: number, subsets: Array<{ name: string, size: number }> }, skipped: Array<{ file: string | null, position: number, reason: string }> };

export type BenchmarkNamesQueryVariables = Exact<{ [key: string]: never; }>;


export type BenchmarkNamesQuery = { benchmarks: Array<{ id: string, name: string }> };

export type BenchmarkListQueryVariables = Exact<{ [key: string]: never; }>;


export type BenchmarkListQuery = { benchmarks: Array<{ id: string, name: string, format: string, size: number, createdAt: string, subsets: Array<{ name: string, size: number }> }> };

export type BenchmarkShowQueryVariables = Exact<{
  id: string | number;
}>;


export type BenchmarkShowQuery = { benchmark: { id: string, name: string, format: string, size: number, createdAt: string, evaluations: Array<{ id: string, judgeModel: string, status: Types.StageStatus, experimentId: string | null, iterationId: string | null, overall: { accuracy: { value: number, low: number, high: number } | null } }>, subsets: Array<{ name: string, size: number }> } | null };

export type ImportBundledBenchmarkMutationVariables = Exact<{
  name: string;
}>;


export type ImportBundledBenchmarkMutation = { importBundledBenchmark: { created: boolean, excludedInstructions: number, benchmark: { id: string, name: string, size: number, subsets: Array<{ name: string, size: number }> }, skipped: Array<{ file: string | null, position: number, reason: string }> } };

export type ImportBenchmarkMutationVariables = Exact<{
  name: string;
  content: string;
  format: Types.BenchmarkFormat;
  subset?: string | null | undefined;
  mapping?: Types.BenchmarkMappingInput | null | undefined;
  encoding?: Types.ContentEncoding | null | undefined;
  skip?: boolean | null | undefined;
}>;


export type ImportBenchmarkMutation = { importBenchmark: { created: boolean, excludedInstructions: number, benchmark: { id: string, name: string, size: number, subsets: Array<{ name: string, size: number }> }, skipped: Array<{ file: string | null, position: number, reason: string }> } };

export type IntervalFragment = { value: number, low: number, high: number };

export type MetricsFragment = { subset: string, items: number, unparseableRate: number | null, accuracy: { value: number, low: number, high: number } | null, chosenFirst: { value: number, low: number, high: number } | null, chosenSecond: { value: number, low: number, high: number } | null, positionConsistent: { value: number, low: number, high: number } | null };

export type RewardBenchSectionsFragment = { chat: number | null, chatHard: number | null, safety: number | null, reasoning: number | null, overall: number | null, partialMean: number | null, label: string };

export type EvaluationResultFragment = { id: string, judgeModel: string, status: Types.StageStatus, partial: boolean, error: string | null, benchmark: { id: string, name: string, size: number }, options: { order: Types.EvaluationOrder, samples: number, seed: number }, stage: { status: Types.StageStatus, done: number, total: number, failed: number } | null, overall: { subset: string, items: number, unparseableRate: number | null, accuracy: { value: number, low: number, high: number } | null, chosenFirst: { value: number, low: number, high: number } | null, chosenSecond: { value: number, low: number, high: number } | null, positionConsistent: { value: number, low: number, high: number } | null }, subsets: Array<{ subset: string, items: number, unparseableRate: number | null, accuracy: { value: number, low: number, high: number } | null, chosenFirst: { value: number, low: number, high: number } | null, chosenSecond: { value: number, low: number, high: number } | null, positionConsistent: { value: number, low: number, high: number } | null }>, rewardBench: { scoring: Types.RewardBenchScoring, mean: { chat: number | null, chatHard: number | null, safety: number | null, reasoning: number | null, overall: number | null, partialMean: number | null, label: string }, majorityVote: { scoring: Types.RewardBenchScoring, mean: { chat: number | null, chatHard: number | null, safety: number | null, reasoning: number | null, overall: number | null, partialMean: number | null, label: string } } | null } };

export type TrendEvaluationFragment = { id: string, status: Types.StageStatus, benchmark: { id: string, name: string }, overall: { accuracy: { value: number, low: number, high: number } | null } };

export type EvaluationProgressFragment = { status: Types.StageStatus, partial: boolean, stage: { done: number, total: number } | null, overall: { accuracy: { value: number, low: number, high: number } | null } };

export type EvaluateJudgeMutationVariables = Exact<{
  b: string | number;
  i?: string | number | null | undefined;
  e?: string | number | null | undefined;
  m?: string | null | undefined;
  o?: Types.EvaluateOptionsInput | null | undefined;
}>;


export type EvaluateJudgeMutation = { evaluateJudge: { id: string } };

export type EvaluationUpdatedSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type EvaluationUpdatedSubscription = { evaluationUpdated: { status: Types.StageStatus, partial: boolean, stage: { done: number, total: number } | null, overall: { accuracy: { value: number, low: number, high: number } | null } } };

export type EvaluationProgressQueryVariables = Exact<{
  id: string | number;
}>;


export type EvaluationProgressQuery = { evaluation: { status: Types.StageStatus, partial: boolean, stage: { done: number, total: number } | null, overall: { accuracy: { value: number, low: number, high: number } | null } } | null };

export type EvaluationShowQueryVariables = Exact<{
  id: string | number;
}>;


export type EvaluationShowQuery = { evaluation: { id: string, judgeModel: string, status: Types.StageStatus, partial: boolean, error: string | null, benchmark: { id: string, name: string, size: number }, options: { order: Types.EvaluationOrder, samples: number, seed: number }, stage: { status: Types.StageStatus, done: number, total: number, failed: number } | null, overall: { subset: string, items: number, unparseableRate: number | null, accuracy: { value: number, low: number, high: number } | null, chosenFirst: { value: number, low: number, high: number } | null, chosenSecond: { value: number, low: number, high: number } | null, positionConsistent: { value: number, low: number, high: number } | null }, subsets: Array<{ subset: string, items: number, unparseableRate: number | null, accuracy: { value: number, low: number, high: number } | null, chosenFirst: { value: number, low: number, high: number } | null, chosenSecond: { value: number, low: number, high: number } | null, positionConsistent: { value: number, low: number, high: number } | null }>, rewardBench: { scoring: Types.RewardBenchScoring, mean: { chat: number | null, chatHard: number | null, safety: number | null, reasoning: number | null, overall: number | null, partialMean: number | null, label: string }, majorityVote: { scoring: Types.RewardBenchScoring, mean: { chat: number | null, chatHard: number | null, safety: number | null, reasoning: number | null, overall: number | null, partialMean: number | null, label: string } } | null } } | null };

export type EvaluationListQueryVariables = Exact<{
  filter?: Types.EvaluationFilter | null | undefined;
  after?: string | null | undefined;
}>;


export type EvaluationListQuery = { evaluations: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, judgeModel: string, status: Types.StageStatus, experimentId: string | null, iterationId: string | null, createdAt: string, benchmark: { id: string, name: string }, overall: { items: number, accuracy: { value: number, low: number, high: number } | null } } }> } };

export type EvaluationDiffQueryVariables = Exact<{
  a: string | number;
  b: string | number;
}>;


export type EvaluationDiffQuery = { evaluationDiff: { fixed: number, broken: number, stillWrong: number, stillRight: number, onlyInA: number, onlyInB: number, accuracyA: number | null, accuracyB: number | null, a: { id: string, judgeModel: string, benchmark: { name: string } }, b: { id: string, judgeModel: string }, accuracyChange: { value: number, low: number, high: number } | null } };

export type ExperimentSummaryFragment = { id: string, name: string, instructionCount: number, createdAt: string, loop: { status: string, targetIteration: number, error: string | null } | null, config: { judgeModel: string, generatorModel: string, samplesPerOrder: number, seed: number }, iterations: Array<{ id: string, index: number, status: Types.IterationStatus, judgeModel: string, trainedModel: string | null }> };

export type CreateExperimentMutationVariables = Exact<{
  name: string;
  config?: Types.ExperimentConfigInput | null | undefined;
}>;


export type CreateExperimentMutation = { createExperiment: { id: string, name: string, instructionCount: number, createdAt: string, loop: { status: string, targetIteration: number, error: string | null } | null, config: { judgeModel: string, generatorModel: string, samplesPerOrder: number, seed: number }, iterations: Array<{ id: string, index: number, status: Types.IterationStatus, judgeModel: string, trainedModel: string | null }> } };

export type ExperimentListQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type ExperimentListQuery = { experiments: { edges: Array<{ node: { id: string, name: string, instructionCount: number, createdAt: string, loop: { status: string, targetIteration: number, error: string | null } | null, config: { judgeModel: string, generatorModel: string, samplesPerOrder: number, seed: number }, iterations: Array<{ id: string, index: number, status: Types.IterationStatus, judgeModel: string, trainedModel: string | null }> } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type ExperimentNameQueryVariables = Exact<{
  id: string | number;
}>;


export type ExperimentNameQuery = { experiment: { id: string, name: string } | null };

export type ExperimentShowQueryVariables = Exact<{
  id: string | number;
}>;


export type ExperimentShowQuery = { experiment: { id: string, name: string, createdAt: string, instructionCount: number, unpricedModels: Array<string>, cost: { amount: string, currency: string } | null, config: { judgeModel: string, generatorModel: string, samplesPerOrder: number, seed: number, temperature: number, tokenBudget: number | null, moneyBudget: number | null, training: { backend: Types.TrainingBackend, method: Types.TrainingMethod, stages: Array<Types.TrainingMethod> } }, loop: { status: string, targetIteration: number, error: string | null } | null, ready: { totalCount: number }, rejected: { totalCount: number }, iterations: Array<{ id: string, index: number, status: Types.IterationStatus, error: string | null, judgeModel: string, trainedModel: string | null, stats: { judgments: number, correct: number, incorrect: number, unparseable: number, ties: number, selected: number, selectedAWins: number, selectedBWins: number, promptTokens: number, completionTokens: number } }>, stages: Array<{ startedAt: string | null, finishedAt: string | null, promptTokens: number, completionTokens: number, unpricedModels: Array<string>, id: string, kind: Types.StageKind, status: Types.StageStatus, total: number, done: number, failed: number, iterationId: string | null, evaluationId: string | null, error: string | null, cost: { amount: string, currency: string } | null }>, seedEvaluations: Array<{ id: string, status: Types.StageStatus, benchmark: { id: string, name: string }, overall: { accuracy: { value: number, low: number, high: number } | null } }> } | null };

export type InstructionImportFragment = { accepted: number, excluded: number, instructionCount: number, duplicates: Array<{ line: number, duplicateOfLine: number | null }>, rejected: Array<{ line: number, reason: string }> };

export type ImportInstructionsMutationVariables = Exact<{
  id: string | number;
  content: string;
  format?: Types.InstructionFormat | null | undefined;
  source?: string | null | undefined;
}>;


export type ImportInstructionsMutation = { importInstructions: { accepted: number, excluded: number, instructionCount: number, duplicates: Array<{ line: number, duplicateOfLine: number | null }>, rejected: Array<{ line: number, reason: string }> } };

export type ImportBundledInstructionsMutationVariables = Exact<{
  id: string | number;
  name: string;
}>;


export type ImportBundledInstructionsMutation = { importBundledInstructions: { accepted: number, excluded: number, instructionCount: number, duplicates: Array<{ line: number, duplicateOfLine: number | null }>, rejected: Array<{ line: number, reason: string }> } };

export type IterationFieldsFragment = { id: string, index: number, status: Types.IterationStatus, error: string | null, judgeModel: string, trainedModel: string | null };

export type IterationCountsFragment = { judgments: number, correct: number, incorrect: number, unparseable: number, ties: number, selected: number, selectedAWins: number, selectedBWins: number, promptTokens: number, completionTokens: number };

export type IterationSummaryFragment = { id: string, index: number, status: Types.IterationStatus, error: string | null, judgeModel: string, trainedModel: string | null, stats: { judgments: number, correct: number, incorrect: number, unparseable: number, ties: number, selected: number, selectedAWins: number, selectedBWins: number, promptTokens: number, completionTokens: number } };

export type IterationResultQueryVariables = Exact<{
  id: string | number;
}>;


export type IterationResultQuery = { iteration: { id: string, index: number, status: Types.IterationStatus, error: string | null, judgeModel: string, trainedModel: string | null, stats: { judgments: number, correct: number, incorrect: number, unparseable: number, ties: number, selected: number, selectedAWins: number, selectedBWins: number, promptTokens: number, completionTokens: number } } | null };

export type IterationStatsQueryVariables = Exact<{
  id: string | number;
}>;


export type IterationStatsQuery = { iteration: { stats: { judgments: number, correct: number, incorrect: number, unparseable: number, ties: number, selected: number, selectedAWins: number, selectedBWins: number, promptTokens: number, completionTokens: number } } | null };

export type IterationWatchQueryVariables = Exact<{
  id: string | number;
}>;


export type IterationWatchQuery = { iteration: { id: string, index: number, status: Types.IterationStatus, error: string | null, judgeModel: string, trainedModel: string | null, experiment: { id: string, name: string }, stages: Array<{ id: string, kind: Types.StageKind, status: Types.StageStatus, total: number, done: number, failed: number, iterationId: string | null, evaluationId: string | null, error: string | null }> } | null };

export type IterationListQueryVariables = Exact<{
  experimentId: string | number;
}>;


export type IterationListQuery = { experiment: { iterations: Array<{ id: string, index: number, status: Types.IterationStatus, error: string | null, judgeModel: string, trainedModel: string | null, stats: { judgments: number, correct: number, incorrect: number, unparseable: number, ties: number, selected: number, selectedAWins: number, selectedBWins: number, promptTokens: number, completionTokens: number } }> } | null };

export type IterationShowQueryVariables = Exact<{
  id: string | number;
}>;


export type IterationShowQuery = { iteration: { createdAt: string, id: string, index: number, status: Types.IterationStatus, error: string | null, judgeModel: string, trainedModel: string | null, experiment: { id: string, name: string }, stats: { judgments: number, correct: number, incorrect: number, unparseable: number, ties: number, selected: number, selectedAWins: number, selectedBWins: number, promptTokens: number, completionTokens: number }, stages: Array<{ startedAt: string | null, finishedAt: string | null, promptTokens: number, completionTokens: number, unpricedModels: Array<string>, id: string, kind: Types.StageKind, status: Types.StageStatus, total: number, done: number, failed: number, iterationId: string | null, evaluationId: string | null, error: string | null, cost: { amount: string, currency: string } | null }>, evaluations: Array<{ id: string, status: Types.StageStatus, benchmark: { id: string, name: string }, overall: { accuracy: { value: number, low: number, high: number } | null } }>, trainingJobs: Array<{ stageIndex: number, backend: Types.TrainingBackend, method: Types.TrainingMethod, baseModel: string, examples: number, externalJobId: string | null, status: string, fineTunedModel: string | null, error: string | null, adapter: { endpoint: string, loaded: boolean, unloadedAt: string | null } | null }> } | null };

export type TrainingJobSummaryFragment = { stageIndex: number, backend: Types.TrainingBackend, method: Types.TrainingMethod, baseModel: string, examples: number, externalJobId: string | null, status: string, fineTunedModel: string | null, error: string | null, adapter: { endpoint: string, loaded: boolean, unloadedAt: string | null } | null };

export type JudgmentAddedSubscriptionVariables = Exact<{
  iterationId: string | number;
  afterSeq?: number | null | undefined;
}>;


export type JudgmentAddedSubscription = { judgmentAdded: { seq: number, order: Types.JudgmentOrder, sample: number, verdict: Types.Verdict, correct: boolean, pair: { id: string }, usage: { promptTokens: number, completionTokens: number } } };

export type RegisterJudgeModelMutationVariables = Exact<{
  id: string | number;
  model: string;
}>;


export type RegisterJudgeModelMutation = { registerJudgeModel: { id: string, index: number, status: Types.IterationStatus, trainedModel: string | null } };

export type RunLoopMutationVariables = Exact<{
  id: string | number;
  n: number;
  on?: Array<string | number> | string | number | null | undefined;
  k?: number | null | undefined;
}>;


export type RunLoopMutation = { runLoop: { id: string, name: string, loop: { status: string, targetIteration: number, error: string | null } | null } };

export type LoopProgressQueryVariables = Exact<{
  id: string | number;
}>;


export type LoopProgressQuery = { experiment: { id: string, name: string, loop: { status: string, targetIteration: number, error: string | null } | null, stages: Array<{ id: string, kind: Types.StageKind, status: Types.StageStatus, total: number, done: number, failed: number, iterationId: string | null, evaluationId: string | null, error: string | null }>, iterations: Array<{ id: string, index: number, status: Types.IterationStatus, error: string | null, judgeModel: string, trainedModel: string | null }> } | null };

export type LoopBestQueryVariables = Exact<{
  id: string | number;
}>;


export type LoopBestQuery = { experiment: { loop: { stopReason: string | null } | null, bestIteration: { judgeModel: string, accuracy: number | null, positionConsistency: number | null, iteration: { index: number } | null } | null } | null };

export type LoopTrendQueryVariables = Exact<{
  id: string | number;
}>;


export type LoopTrendQuery = { experiment: { seedEvaluations: Array<{ id: string, status: Types.StageStatus, benchmark: { id: string, name: string }, overall: { accuracy: { value: number, low: number, high: number } | null } }>, iterations: Array<{ index: number, evaluations: Array<{ id: string, status: Types.StageStatus, benchmark: { id: string, name: string }, overall: { accuracy: { value: number, low: number, high: number } | null } }> }> } | null };

export type StageFieldsFragment = { id: string, kind: Types.StageKind, status: Types.StageStatus, total: number, done: number, failed: number, iterationId: string | null, evaluationId: string | null, error: string | null };

export type StageDetailFragment = { startedAt: string | null, finishedAt: string | null, promptTokens: number, completionTokens: number, unpricedModels: Array<string>, id: string, kind: Types.StageKind, status: Types.StageStatus, total: number, done: number, failed: number, iterationId: string | null, evaluationId: string | null, error: string | null, cost: { amount: string, currency: string } | null };

export type StageOutcomeFragment = { id: string, kind: Types.StageKind, status: Types.StageStatus, error: string | null };

export type LogLineFragment = { id: string, stream: string, line: string };

export type StageUpdatedSubscriptionVariables = Exact<{
  experimentId: string | number;
}>;


export type StageUpdatedSubscription = { stageUpdated: { id: string, kind: Types.StageKind, status: Types.StageStatus, total: number, done: number, failed: number, iterationId: string | null, evaluationId: string | null, error: string | null } };

export type StageLogQueryVariables = Exact<{
  id: string | number;
  last?: number | null | undefined;
}>;


export type StageLogQuery = { stage: { id: string, kind: Types.StageKind, status: Types.StageStatus, error: string | null, log: Array<{ id: string, stream: string, line: string }> } | null };

export type StageStateQueryVariables = Exact<{
  id: string | number;
}>;


export type StageStateQuery = { stage: { id: string, kind: Types.StageKind, status: Types.StageStatus, error: string | null } | null };

export type StageLogAppendedSubscriptionVariables = Exact<{
  id: string | number;
  after?: string | number | null | undefined;
}>;


export type StageLogAppendedSubscription = { stageLogAppended: { id: string, stream: string, line: string } };

export type CancelStageMutationVariables = Exact<{
  id: string | number;
}>;


export type CancelStageMutation = { cancelStage: { id: string, kind: Types.StageKind, status: Types.StageStatus, error: string | null } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const BenchmarkSummaryFragmentDoc = new TypedDocumentString(`
    fragment BenchmarkSummary on Benchmark {
  id
  name
  format
  size
  createdAt
  subsets {
    name
    size
  }
}
    `, {"fragmentName":"BenchmarkSummary"}) as unknown as TypedDocumentString<BenchmarkSummaryFragment, unknown>;
export const BenchmarkImportedFragmentDoc = new TypedDocumentString(`
    fragment BenchmarkImported on ImportBenchmarkResult {
  benchmark {
    id
    name
    size
    subsets {
      name
      size
    }
  }
  created
  skipped {
    file
    position
    reason
  }
  excludedInstructions
}
    `, {"fragmentName":"BenchmarkImported"}) as unknown as TypedDocumentString<BenchmarkImportedFragment, unknown>;
export const IntervalFragmentDoc = new TypedDocumentString(`
    fragment Interval on Accuracy {
  value
  low
  high
}
    `, {"fragmentName":"Interval"}) as unknown as TypedDocumentString<IntervalFragment, unknown>;
export const MetricsFragmentDoc = new TypedDocumentString(`
    fragment Metrics on EvaluationMetrics {
  subset
  items
  accuracy {
    ...Interval
  }
  chosenFirst {
    ...Interval
  }
  chosenSecond {
    ...Interval
  }
  positionConsistent {
    ...Interval
  }
  unparseableRate
}
    fragment Interval on Accuracy {
  value
  low
  high
}`, {"fragmentName":"Metrics"}) as unknown as TypedDocumentString<MetricsFragment, unknown>;
export const RewardBenchSectionsFragmentDoc = new TypedDocumentString(`
    fragment RewardBenchSections on RewardBenchScores {
  chat
  chatHard
  safety
  reasoning
  overall
  partialMean
  label
}
    `, {"fragmentName":"RewardBenchSections"}) as unknown as TypedDocumentString<RewardBenchSectionsFragment, unknown>;
export const EvaluationResultFragmentDoc = new TypedDocumentString(`
    fragment EvaluationResult on Evaluation {
  id
  judgeModel
  status
  partial
  error
  benchmark {
    id
    name
    size
  }
  options {
    order
    samples
    seed
  }
  stage {
    status
    done
    total
    failed
  }
  overall {
    ...Metrics
  }
  subsets {
    ...Metrics
  }
  rewardBench {
    scoring
    mean {
      ...RewardBenchSections
    }
    majorityVote {
      scoring
      mean {
        ...RewardBenchSections
      }
    }
  }
}
    fragment Interval on Accuracy {
  value
  low
  high
}
fragment Metrics on EvaluationMetrics {
  subset
  items
  accuracy {
    ...Interval
  }
  chosenFirst {
    ...Interval
  }
  chosenSecond {
    ...Interval
  }
  positionConsistent {
    ...Interval
  }
  unparseableRate
}
fragment RewardBenchSections on RewardBenchScores {
  chat
  chatHard
  safety
  reasoning
  overall
  partialMean
  label
}`, {"fragmentName":"EvaluationResult"}) as unknown as TypedDocumentString<EvaluationResultFragment, unknown>;
export const TrendEvaluationFragmentDoc = new TypedDocumentString(`
    fragment TrendEvaluation on Evaluation {
  id
  status
  benchmark {
    id
    name
  }
  overall {
    accuracy {
      ...Interval
    }
  }
}
    fragment Interval on Accuracy {
  value
  low
  high
}`, {"fragmentName":"TrendEvaluation"}) as unknown as TypedDocumentString<TrendEvaluationFragment, unknown>;
export const EvaluationProgressFragmentDoc = new TypedDocumentString(`
    fragment EvaluationProgress on Evaluation {
  status
  partial
  stage {
    done
    total
  }
  overall {
    accuracy {
      ...Interval
    }
  }
}
    fragment Interval on Accuracy {
  value
  low
  high
}`, {"fragmentName":"EvaluationProgress"}) as unknown as TypedDocumentString<EvaluationProgressFragment, unknown>;
export const ExperimentSummaryFragmentDoc = new TypedDocumentString(`
    fragment ExperimentSummary on Experiment {
  id
  name
  instructionCount
  createdAt
  loop {
    status
    targetIteration
    error
  }
  config {
    judgeModel
    generatorModel
    samplesPerOrder
    seed
  }
  iterations {
    id
    index
    status
    judgeModel
    trainedModel
  }
}
    `, {"fragmentName":"ExperimentSummary"}) as unknown as TypedDocumentString<ExperimentSummaryFragment, unknown>;
export const InstructionImportFragmentDoc = new TypedDocumentString(`
    fragment InstructionImport on ImportInstructionsResult {
  accepted
  excluded
  instructionCount
  duplicates {
    line
    duplicateOfLine
  }
  rejected {
    line
    reason
  }
}
    `, {"fragmentName":"InstructionImport"}) as unknown as TypedDocumentString<InstructionImportFragment, unknown>;
export const IterationFieldsFragmentDoc = new TypedDocumentString(`
    fragment IterationFields on Iteration {
  id
  index
  status
  error
  judgeModel
  trainedModel
}
    `, {"fragmentName":"IterationFields"}) as unknown as TypedDocumentString<IterationFieldsFragment, unknown>;
export const IterationCountsFragmentDoc = new TypedDocumentString(`
    fragment IterationCounts on IterationStats {
  judgments
  correct
  incorrect
  unparseable
  ties
  selected
  selectedAWins
  selectedBWins
  promptTokens
  completionTokens
}
    `, {"fragmentName":"IterationCounts"}) as unknown as TypedDocumentString<IterationCountsFragment, unknown>;
export const IterationSummaryFragmentDoc = new TypedDocumentString(`
    fragment IterationSummary on Iteration {
  ...IterationFields
  stats {
    ...IterationCounts
  }
}
    fragment IterationFields on Iteration {
  id
  index
  status
  error
  judgeModel
  trainedModel
}
fragment IterationCounts on IterationStats {
  judgments
  correct
  incorrect
  unparseable
  ties
  selected
  selectedAWins
  selectedBWins
  promptTokens
  completionTokens
}`, {"fragmentName":"IterationSummary"}) as unknown as TypedDocumentString<IterationSummaryFragment, unknown>;
export const TrainingJobSummaryFragmentDoc = new TypedDocumentString(`
    fragment TrainingJobSummary on TrainingJob {
  stageIndex
  backend
  method
  baseModel
  examples
  externalJobId
  status
  fineTunedModel
  error
  adapter {
    endpoint
    loaded
    unloadedAt
  }
}
    `, {"fragmentName":"TrainingJobSummary"}) as unknown as TypedDocumentString<TrainingJobSummaryFragment, unknown>;
export const StageFieldsFragmentDoc = new TypedDocumentString(`
    fragment StageFields on Stage {
  id
  kind
  status
  total
  done
  failed
  iterationId
  evaluationId
  error
}
    `, {"fragmentName":"StageFields"}) as unknown as TypedDocumentString<StageFieldsFragment, unknown>;
export const StageDetailFragmentDoc = new TypedDocumentString(`
    fragment StageDetail on Stage {
  ...StageFields
  startedAt
  finishedAt
  promptTokens
  completionTokens
  cost {
    amount
    currency
  }
  unpricedModels
}
    fragment StageFields on Stage {
  id
  kind
  status
  total
  done
  failed
  iterationId
  evaluationId
  error
}`, {"fragmentName":"StageDetail"}) as unknown as TypedDocumentString<StageDetailFragment, unknown>;
export const StageOutcomeFragmentDoc = new TypedDocumentString(`
    fragment StageOutcome on Stage {
  id
  kind
  status
  error
}
    `, {"fragmentName":"StageOutcome"}) as unknown as TypedDocumentString<StageOutcomeFragment, unknown>;
export const LogLineFragmentDoc = new TypedDocumentString(`
    fragment LogLine on StageLogLine {
  id
  stream
  line
}
    `, {"fragmentName":"LogLine"}) as unknown as TypedDocumentString<LogLineFragment, unknown>;
export const BenchmarkNamesDocument = new TypedDocumentString(`
    query BenchmarkNames {
  benchmarks {
    id
    name
  }
}
    `) as unknown as TypedDocumentString<BenchmarkNamesQuery, BenchmarkNamesQueryVariables>;
export const BenchmarkListDocument = new TypedDocumentString(`
    query BenchmarkList {
  benchmarks {
    ...BenchmarkSummary
  }
}
    fragment BenchmarkSummary on Benchmark {
  id
  name
  format
  size
  createdAt
  subsets {
    name
    size
  }
}`) as unknown as TypedDocumentString<BenchmarkListQuery, BenchmarkListQueryVariables>;
export const BenchmarkShowDocument = new TypedDocumentString(`
    query BenchmarkShow($id: ID!) {
  benchmark(id: $id) {
    ...BenchmarkSummary
    evaluations {
      id
      judgeModel
      status
      experimentId
      iterationId
      overall {
        accuracy {
          ...Interval
        }
      }
    }
  }
}
    fragment BenchmarkSummary on Benchmark {
  id
  name
  format
  size
  createdAt
  subsets {
    name
    size
  }
}
fragment Interval on Accuracy {
  value
  low
  high
}`) as unknown as TypedDocumentString<BenchmarkShowQuery, BenchmarkShowQueryVariables>;
export const ImportBundledBenchmarkDocument = new TypedDocumentString(`
    mutation ImportBundledBenchmark($name: String!) {
  importBundledBenchmark(name: $name) {
    ...BenchmarkImported
  }
}
    fragment BenchmarkImported on ImportBenchmarkResult {
  benchmark {
    id
    name
    size
    subsets {
      name
      size
    }
  }
  created
  skipped {
    file
    position
    reason
  }
  excludedInstructions
}`) as unknown as TypedDocumentString<ImportBundledBenchmarkMutation, ImportBundledBenchmarkMutationVariables>;
export const ImportBenchmarkDocument = new TypedDocumentString(`
    mutation ImportBenchmark($name: String!, $content: String!, $format: BenchmarkFormat!, $subset: String, $mapping: BenchmarkMappingInput, $encoding: ContentEncoding, $skip: Boolean) {
  importBenchmark(
    name: $name
    content: $content
    format: $format
    subset: $subset
    mapping: $mapping
    encoding: $encoding
    skipBadRows: $skip
  ) {
    ...BenchmarkImported
  }
}
    fragment BenchmarkImported on ImportBenchmarkResult {
  benchmark {
    id
    name
    size
    subsets {
      name
      size
    }
  }
  created
  skipped {
    file
    position
    reason
  }
  excludedInstructions
}`) as unknown as TypedDocumentString<ImportBenchmarkMutation, ImportBenchmarkMutationVariables>;
export const EvaluateJudgeDocument = new TypedDocumentString(`
    mutation EvaluateJudge($b: ID!, $i: ID, $e: ID, $m: String, $o: EvaluateOptionsInput) {
  evaluateJudge(
    benchmarkId: $b
    iterationId: $i
    experimentId: $e
    model: $m
    options: $o
  ) {
    id
  }
}
    `) as unknown as TypedDocumentString<EvaluateJudgeMutation, EvaluateJudgeMutationVariables>;
export const EvaluationUpdatedDocument = new TypedDocumentString(`
    subscription EvaluationUpdated($id: ID!) {
  evaluationUpdated(evaluationId: $id) {
    ...EvaluationProgress
  }
}
    fragment Interval on Accuracy {
  value
  low
  high
}
fragment EvaluationProgress on Evaluation {
  status
  partial
  stage {
    done
    total
  }
  overall {
    accuracy {
      ...Interval
    }
  }
}`) as unknown as TypedDocumentString<EvaluationUpdatedSubscription, EvaluationUpdatedSubscriptionVariables>;
export const EvaluationProgressDocument = new TypedDocumentString(`
    query EvaluationProgress($id: ID!) {
  evaluation(id: $id) {
    ...EvaluationProgress
  }
}
    fragment Interval on Accuracy {
  value
  low
  high
}
fragment EvaluationProgress on Evaluation {
  status
  partial
  stage {
    done
    total
  }
  overall {
    accuracy {
      ...Interval
    }
  }
}`) as unknown as TypedDocumentString<EvaluationProgressQuery, EvaluationProgressQueryVariables>;
export const EvaluationShowDocument = new TypedDocumentString(`
    query EvaluationShow($id: ID!) {
  evaluation(id: $id) {
    ...EvaluationResult
  }
}
    fragment Interval on Accuracy {
  value
  low
  high
}
fragment Metrics on EvaluationMetrics {
  subset
  items
  accuracy {
    ...Interval
  }
  chosenFirst {
    ...Interval
  }
  chosenSecond {
    ...Interval
  }
  positionConsistent {
    ...Interval
  }
  unparseableRate
}
fragment RewardBenchSections on RewardBenchScores {
  chat
  chatHard
  safety
  reasoning
  overall
  partialMean
  label
}
fragment EvaluationResult on Evaluation {
  id
  judgeModel
  status
  partial
  error
  benchmark {
    id
    name
    size
  }
  options {
    order
    samples
    seed
  }
  stage {
    status
    done
    total
    failed
  }
  overall {
    ...Metrics
  }
  subsets {
    ...Metrics
  }
  rewardBench {
    scoring
    mean {
      ...RewardBenchSections
    }
    majorityVote {
      scoring
      mean {
        ...RewardBenchSections
      }
    }
  }
}`) as unknown as TypedDocumentString<EvaluationShowQuery, EvaluationShowQueryVariables>;
export const EvaluationListDocument = new TypedDocumentString(`
    query EvaluationList($filter: EvaluationFilter, $after: String) {
  evaluations(filter: $filter, first: 50, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        judgeModel
        status
        experimentId
        iterationId
        createdAt
        benchmark {
          id
          name
        }
        overall {
          items
          accuracy {
            ...Interval
          }
        }
      }
    }
  }
}
    fragment Interval on Accuracy {
  value
  low
  high
}`) as unknown as TypedDocumentString<EvaluationListQuery, EvaluationListQueryVariables>;
export const EvaluationDiffDocument = new TypedDocumentString(`
    query EvaluationDiff($a: ID!, $b: ID!) {
  evaluationDiff(a: $a, b: $b) {
    a {
      id
      judgeModel
      benchmark {
        name
      }
    }
    b {
      id
      judgeModel
    }
    fixed
    broken
    stillWrong
    stillRight
    onlyInA
    onlyInB
    accuracyA
    accuracyB
    accuracyChange {
      ...Interval
    }
  }
}
    fragment Interval on Accuracy {
  value
  low
  high
}`) as unknown as TypedDocumentString<EvaluationDiffQuery, EvaluationDiffQueryVariables>;
export const CreateExperimentDocument = new TypedDocumentString(`
    mutation CreateExperiment($name: String!, $config: ExperimentConfigInput) {
  createExperiment(name: $name, config: $config) {
    ...ExperimentSummary
  }
}
    fragment ExperimentSummary on Experiment {
  id
  name
  instructionCount
  createdAt
  loop {
    status
    targetIteration
    error
  }
  config {
    judgeModel
    generatorModel
    samplesPerOrder
    seed
  }
  iterations {
    id
    index
    status
    judgeModel
    trainedModel
  }
}`) as unknown as TypedDocumentString<CreateExperimentMutation, CreateExperimentMutationVariables>;
export const ExperimentListDocument = new TypedDocumentString(`
    query ExperimentList($after: String) {
  experiments(first: 25, after: $after) {
    edges {
      node {
        ...ExperimentSummary
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment ExperimentSummary on Experiment {
  id
  name
  instructionCount
  createdAt
  loop {
    status
    targetIteration
    error
  }
  config {
    judgeModel
    generatorModel
    samplesPerOrder
    seed
  }
  iterations {
    id
    index
    status
    judgeModel
    trainedModel
  }
}`) as unknown as TypedDocumentString<ExperimentListQuery, ExperimentListQueryVariables>;
export const ExperimentNameDocument = new TypedDocumentString(`
    query ExperimentName($id: ID!) {
  experiment(id: $id) {
    id
    name
  }
}
    `) as unknown as TypedDocumentString<ExperimentNameQuery, ExperimentNameQueryVariables>;
export const ExperimentShowDocument = new TypedDocumentString(`
    query ExperimentShow($id: ID!) {
  experiment(id: $id) {
    id
    name
    createdAt
    instructionCount
    cost {
      amount
      currency
    }
    unpricedModels
    config {
      judgeModel
      generatorModel
      samplesPerOrder
      seed
      temperature
      tokenBudget
      moneyBudget
      training {
        backend
        method
        stages
      }
    }
    loop {
      status
      targetIteration
      error
    }
    ready: pairs(first: 0, status: READY) {
      totalCount
    }
    rejected: pairs(first: 0, status: REJECTED) {
      totalCount
    }
    iterations {
      ...IterationSummary
    }
    stages {
      ...StageDetail
    }
    seedEvaluations {
      ...TrendEvaluation
    }
  }
}
    fragment Interval on Accuracy {
  value
  low
  high
}
fragment TrendEvaluation on Evaluation {
  id
  status
  benchmark {
    id
    name
  }
  overall {
    accuracy {
      ...Interval
    }
  }
}
fragment IterationFields on Iteration {
  id
  index
  status
  error
  judgeModel
  trainedModel
}
fragment IterationCounts on IterationStats {
  judgments
  correct
  incorrect
  unparseable
  ties
  selected
  selectedAWins
  selectedBWins
  promptTokens
  completionTokens
}
fragment IterationSummary on Iteration {
  ...IterationFields
  stats {
    ...IterationCounts
  }
}
fragment StageFields on Stage {
  id
  kind
  status
  total
  done
  failed
  iterationId
  evaluationId
  error
}
fragment StageDetail on Stage {
  ...StageFields
  startedAt
  finishedAt
  promptTokens
  completionTokens
  cost {
    amount
    currency
  }
  unpricedModels
}`) as unknown as TypedDocumentString<ExperimentShowQuery, ExperimentShowQueryVariables>;
export const ImportInstructionsDocument = new TypedDocumentString(`
    mutation ImportInstructions($id: ID!, $content: String!, $format: InstructionFormat, $source: String) {
  importInstructions(
    experimentId: $id
    content: $content
    format: $format
    source: $source
  ) {
    ...InstructionImport
  }
}
    fragment InstructionImport on ImportInstructionsResult {
  accepted
  excluded
  instructionCount
  duplicates {
    line
    duplicateOfLine
  }
  rejected {
    line
    reason
  }
}`) as unknown as TypedDocumentString<ImportInstructionsMutation, ImportInstructionsMutationVariables>;
export const ImportBundledInstructionsDocument = new TypedDocumentString(`
    mutation ImportBundledInstructions($id: ID!, $name: String!) {
  importBundledInstructions(experimentId: $id, name: $name) {
    ...InstructionImport
  }
}
    fragment InstructionImport on ImportInstructionsResult {
  accepted
  excluded
  instructionCount
  duplicates {
    line
    duplicateOfLine
  }
  rejected {
    line
    reason
  }
}`) as unknown as TypedDocumentString<ImportBundledInstructionsMutation, ImportBundledInstructionsMutationVariables>;
export const IterationResultDocument = new TypedDocumentString(`
    query IterationResult($id: ID!) {
  iteration(id: $id) {
    ...IterationSummary
  }
}
    fragment IterationFields on Iteration {
  id
  index
  status
  error
  judgeModel
  trainedModel
}
fragment IterationCounts on IterationStats {
  judgments
  correct
  incorrect
  unparseable
  ties
  selected
  selectedAWins
  selectedBWins
  promptTokens
  completionTokens
}
fragment IterationSummary on Iteration {
  ...IterationFields
  stats {
    ...IterationCounts
  }
}`) as unknown as TypedDocumentString<IterationResultQuery, IterationResultQueryVariables>;
export const IterationStatsDocument = new TypedDocumentString(`
    query IterationStats($id: ID!) {
  iteration(id: $id) {
    stats {
      ...IterationCounts
    }
  }
}
    fragment IterationCounts on IterationStats {
  judgments
  correct
  incorrect
  unparseable
  ties
  selected
  selectedAWins
  selectedBWins
  promptTokens
  completionTokens
}`) as unknown as TypedDocumentString<IterationStatsQuery, IterationStatsQueryVariables>;
export const IterationWatchDocument = new TypedDocumentString(`
    query IterationWatch($id: ID!) {
  iteration(id: $id) {
    ...IterationFields
    experiment {
      id
      name
    }
    stages {
      ...StageFields
    }
  }
}
    fragment IterationFields on Iteration {
  id
  index
  status
  error
  judgeModel
  trainedModel
}
fragment StageFields on Stage {
  id
  kind
  status
  total
  done
  failed
  iterationId
  evaluationId
  error
}`) as unknown as TypedDocumentString<IterationWatchQuery, IterationWatchQueryVariables>;
export const IterationListDocument = new TypedDocumentString(`
    query IterationList($experimentId: ID!) {
  experiment(id: $experimentId) {
    iterations {
      ...IterationSummary
    }
  }
}
    fragment IterationFields on Iteration {
  id
  index
  status
  error
  judgeModel
  trainedModel
}
fragment IterationCounts on IterationStats {
  judgments
  correct
  incorrect
  unparseable
  ties
  selected
  selectedAWins
  selectedBWins
  promptTokens
  completionTokens
}
fragment IterationSummary on Iteration {
  ...IterationFields
  stats {
    ...IterationCounts
  }
}`) as unknown as TypedDocumentString<IterationListQuery, IterationListQueryVariables>;
export const IterationShowDocument = new TypedDocumentString(`
    query IterationShow($id: ID!) {
  iteration(id: $id) {
    ...IterationFields
    createdAt
    experiment {
      id
      name
    }
    stats {
      ...IterationCounts
    }
    stages {
      ...StageDetail
    }
    evaluations {
      ...TrendEvaluation
    }
    trainingJobs {
      ...TrainingJobSummary
    }
  }
}
    fragment Interval on Accuracy {
  value
  low
  high
}
fragment TrendEvaluation on Evaluation {
  id
  status
  benchmark {
    id
    name
  }
  overall {
    accuracy {
      ...Interval
    }
  }
}
fragment IterationFields on Iteration {
  id
  index
  status
  error
  judgeModel
  trainedModel
}
fragment IterationCounts on IterationStats {
  judgments
  correct
  incorrect
  unparseable
  ties
  selected
  selectedAWins
  selectedBWins
  promptTokens
  completionTokens
}
fragment TrainingJobSummary on TrainingJob {
  stageIndex
  backend
  method
  baseModel
  examples
  externalJobId
  status
  fineTunedModel
  error
  adapter {
    endpoint
    loaded
    unloadedAt
  }
}
fragment StageFields on Stage {
  id
  kind
  status
  total
  done
  failed
  iterationId
  evaluationId
  error
}
fragment StageDetail on Stage {
  ...StageFields
  startedAt
  finishedAt
  promptTokens
  completionTokens
  cost {
    amount
    currency
  }
  unpricedModels
}`) as unknown as TypedDocumentString<IterationShowQuery, IterationShowQueryVariables>;
export const JudgmentAddedDocument = new TypedDocumentString(`
    subscription JudgmentAdded($iterationId: ID!, $afterSeq: Int) {
  judgmentAdded(iterationId: $iterationId, afterSeq: $afterSeq) {
    seq
    order
    sample
    verdict
    correct
    pair {
      id
    }
    usage {
      promptTokens
      completionTokens
    }
  }
}
    `) as unknown as TypedDocumentString<JudgmentAddedSubscription, JudgmentAddedSubscriptionVariables>;
export const RegisterJudgeModelDocument = new TypedDocumentString(`
    mutation RegisterJudgeModel($id: ID!, $model: String!) {
  registerJudgeModel(iterationId: $id, model: $model) {
    id
    index
    status
    trainedModel
  }
}
    `) as unknown as TypedDocumentString<RegisterJudgeModelMutation, RegisterJudgeModelMutationVariables>;
export const RunLoopDocument = new TypedDocumentString(`
    mutation RunLoop($id: ID!, $n: Int!, $on: [ID!], $k: Int) {
  runLoop(experimentId: $id, iterations: $n, evaluateOn: $on, untilNoGain: $k) {
    id
    name
    loop {
      status
      targetIteration
      error
    }
  }
}
    `) as unknown as TypedDocumentString<RunLoopMutation, RunLoopMutationVariables>;
export const LoopProgressDocument = new TypedDocumentString(`
    query LoopProgress($id: ID!) {
  experiment(id: $id) {
    id
    name
    loop {
      status
      targetIteration
      error
    }
    stages {
      ...StageFields
    }
    iterations {
      ...IterationFields
    }
  }
}
    fragment IterationFields on Iteration {
  id
  index
  status
  error
  judgeModel
  trainedModel
}
fragment StageFields on Stage {
  id
  kind
  status
  total
  done
  failed
  iterationId
  evaluationId
  error
}`) as unknown as TypedDocumentString<LoopProgressQuery, LoopProgressQueryVariables>;
export const LoopBestDocument = new TypedDocumentString(`
    query LoopBest($id: ID!) {
  experiment(id: $id) {
    loop {
      stopReason
    }
    bestIteration {
      iteration {
        index
      }
      judgeModel
      accuracy
      positionConsistency
    }
  }
}
    `) as unknown as TypedDocumentString<LoopBestQuery, LoopBestQueryVariables>;
export const LoopTrendDocument = new TypedDocumentString(`
    query LoopTrend($id: ID!) {
  experiment(id: $id) {
    seedEvaluations {
      ...TrendEvaluation
    }
    iterations {
      index
      evaluations {
        ...TrendEvaluation
      }
    }
  }
}
    fragment Interval on Accuracy {
  value
  low
  high
}
fragment TrendEvaluation on Evaluation {
  id
  status
  benchmark {
    id
    name
  }
  overall {
    accuracy {
      ...Interval
    }
  }
}`) as unknown as TypedDocumentString<LoopTrendQuery, LoopTrendQueryVariables>;
export const StageUpdatedDocument = new TypedDocumentString(`
    subscription StageUpdated($experimentId: ID!) {
  stageUpdated(experimentId: $experimentId) {
    ...StageFields
  }
}
    fragment StageFields on Stage {
  id
  kind
  status
  total
  done
  failed
  iterationId
  evaluationId
  error
}`) as unknown as TypedDocumentString<StageUpdatedSubscription, StageUpdatedSubscriptionVariables>;
export const StageLogDocument = new TypedDocumentString(`
    query StageLog($id: ID!, $last: Int) {
  stage(id: $id) {
    ...StageOutcome
    log(last: $last) {
      ...LogLine
    }
  }
}
    fragment StageOutcome on Stage {
  id
  kind
  status
  error
}
fragment LogLine on StageLogLine {
  id
  stream
  line
}`) as unknown as TypedDocumentString<StageLogQuery, StageLogQueryVariables>;
export const StageStateDocument = new TypedDocumentString(`
    query StageState($id: ID!) {
  stage(id: $id) {
    ...StageOutcome
  }
}
    fragment StageOutcome on Stage {
  id
  kind
  status
  error
}`) as unknown as TypedDocumentString<StageStateQuery, StageStateQueryVariables>;
export const StageLogAppendedDocument = new TypedDocumentString(`
    subscription StageLogAppended($id: ID!, $after: ID) {
  stageLogAppended(stageId: $id, afterId: $after) {
    ...LogLine
  }
}
    fragment LogLine on StageLogLine {
  id
  stream
  line
}`) as unknown as TypedDocumentString<StageLogAppendedSubscription, StageLogAppendedSubscriptionVariables>;
export const CancelStageDocument = new TypedDocumentString(`
    mutation CancelStage($id: ID!) {
  cancelStage(stageId: $id) {
    ...StageOutcome
  }
}
    fragment StageOutcome on Stage {
  id
  kind
  status
  error
}`) as unknown as TypedDocumentString<CancelStageMutation, CancelStageMutationVariables>;