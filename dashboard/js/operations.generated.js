// Generated from dashboard/operations/*.graphql by graphql-codegen (codegen.ts, scripts/codegen-dashboard-documents.cjs): do not edit, run `npm run codegen`.

/**
 * The text of an operation, typed with its result and variables (phantom properties: only the type checker sees them).
 * @template TResult, TVariables
 * @typedef {string & { readonly __result: TResult, readonly __variables: TVariables }} Document
 */

/** The query ExperimentEvaluations. */
export const ExperimentEvaluationsDocument = /** @type {Document<import('../../generated/dashboard-operations.js').ExperimentEvaluationsQuery, import('../../generated/dashboard-operations.js').ExperimentEvaluationsQueryVariables>} */ (`
query ExperimentEvaluations($id: ID!) {
  experiment(id: $id) {
    seedEvaluations {
      ...EvaluationBrief
    }
    iterations {
      index
      evaluations {
        ...EvaluationBrief
      }
    }
  }
}

fragment EvaluationBrief on Evaluation {
  id
  status
  partial
  judgeModel
  createdAt
  benchmark {
    id
    name
  }
  overall {
    accuracy {
      ...AccuracyFields
    }
    chosenFirst {
      ...AccuracyFields
    }
    chosenSecond {
      ...AccuracyFields
    }
    agreementRate {
      ...AccuracyFields
    }
    agreementItems
  }
}

fragment AccuracyFields on Accuracy {
  value
  low
  high
}
`);

/** The query EvaluationSubsets. */
export const EvaluationSubsetsDocument = /** @type {Document<import('../../generated/dashboard-operations.js').EvaluationSubsetsQuery, import('../../generated/dashboard-operations.js').EvaluationSubsetsQueryVariables>} */ (`
query EvaluationSubsets($id: ID!) {
  evaluation(id: $id) {
    id
    subsets {
      subset
      accuracy {
        ...AccuracyFields
      }
    }
    rewardBench {
      scoring
      mean {
        ...RewardBenchScoreFields
      }
      majorityVote {
        scoring
        mean {
          ...RewardBenchScoreFields
        }
      }
    }
  }
}

fragment AccuracyFields on Accuracy {
  value
  low
  high
}

fragment RewardBenchScoreFields on RewardBenchScores {
  overall
  partialMean
  label
}
`);

/** The query EvaluationDiff. */
export const EvaluationDiffDocument = /** @type {Document<import('../../generated/dashboard-operations.js').EvaluationDiffQuery, import('../../generated/dashboard-operations.js').EvaluationDiffQueryVariables>} */ (`
query EvaluationDiff($a: ID!, $b: ID!) {
  evaluationDiff(a: $a, b: $b) {
    fixed
    broken
    stillWrong
    stillRight
    onlyInA
    onlyInB
    accuracyA
    accuracyB
    accuracyChange {
      ...AccuracyFields
    }
  }
}

fragment AccuracyFields on Accuracy {
  value
  low
  high
}
`);

/** The query EvaluationDiffPage. */
export const EvaluationDiffPageDocument = /** @type {Document<import('../../generated/dashboard-operations.js').EvaluationDiffPageQuery, import('../../generated/dashboard-operations.js').EvaluationDiffPageQueryVariables>} */ (`
query EvaluationDiffPage($a: ID!, $b: ID!, $first: Int, $after: String, $changes: [ItemChange!], $subset: String) {
  evaluationDiff(a: $a, b: $b) {
    itemPage(first: $first, after: $after, changes: $changes, subset: $subset) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          change
          item {
            id
            subset
            prompt
          }
          a {
            score
            chosenFirst
            chosenSecond
          }
          b {
            score
            chosenFirst
            chosenSecond
          }
        }
      }
    }
  }
}
`);

/** The query EvaluationItem. */
export const EvaluationItemDocument = /** @type {Document<import('../../generated/dashboard-operations.js').EvaluationItemQuery, import('../../generated/dashboard-operations.js').EvaluationItemQueryVariables>} */ (`
query EvaluationItem($id: ID!, $itemId: ID!, $against: ID) {
  evaluation(id: $id) {
    id
    judgeModel
    experimentId
    iterationId
    benchmark {
      id
      name
    }
    items(first: 1, filter: {itemId: $itemId, against: $against}) {
      edges {
        node {
          item {
            id
            position
            subset
            sourceId
            prompt
            chosen
            rejected
          }
          score
          right
          change
          chosenFirst {
            ...OrderVerdictFields
          }
          chosenSecond {
            ...OrderVerdictFields
          }
        }
      }
    }
  }
}

fragment OrderVerdictFields on OrderVerdicts {
  verdict
  score
  samples {
    sample
    verdict
    reasoning
  }
}
`);

/** The query CompareExperiment. */
export const CompareExperimentDocument = /** @type {Document<import('../../generated/dashboard-operations.js').CompareExperimentQuery, import('../../generated/dashboard-operations.js').CompareExperimentQueryVariables>} */ (`
query CompareExperiment($id: ID!) {
  experiment(id: $id) {
    id
    name
    iterations {
      id
      index
      stats {
        judgments
        correct
      }
    }
  }
  evaluations(filter: {experimentId: $id}, first: 200) {
    edges {
      node {
        id
        status
        iterationId
        createdAt
        benchmark {
          id
          name
        }
        overall {
          accuracy {
            ...AccuracyFields
          }
        }
      }
    }
  }
}

fragment AccuracyFields on Accuracy {
  value
  low
  high
}
`);

/** The query Experiment. */
export const ExperimentDocument = /** @type {Document<import('../../generated/dashboard-operations.js').ExperimentQuery, import('../../generated/dashboard-operations.js').ExperimentQueryVariables>} */ (`
query Experiment($id: ID!) {
  experiment(id: $id) {
    id
    name
    createdAt
    instructionCount
    config {
      judgeModel
      generatorModel
      samplesPerOrder
      seed
      temperature
    }
    loop {
      status
      targetIteration
      error
    }
    stages {
      ...StageFields
    }
    cost {
      ...MoneyFields
    }
    unpricedModels
    iterations {
      id
      index
      status
      judgeModel
      trainedModel
      error
      cost {
        ...MoneyFields
      }
      stats {
        ...IterationStats
      }
    }
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
  error
  startedAt
  finishedAt
  promptTokens
  completionTokens
}

fragment MoneyFields on Money {
  amount
  value
  currency
}

fragment IterationStats on IterationStats {
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
`);

/** The query BenchmarkNames. */
export const BenchmarkNamesDocument = /** @type {Document<import('../../generated/dashboard-operations.js').BenchmarkNamesQuery, import('../../generated/dashboard-operations.js').BenchmarkNamesQueryVariables>} */ (`
query BenchmarkNames {
  benchmarks {
    id
    name
  }
}
`);

/** The mutation ImportInstructions. */
export const ImportInstructionsDocument = /** @type {Document<import('../../generated/dashboard-operations.js').ImportInstructionsMutation, import('../../generated/dashboard-operations.js').ImportInstructionsMutationVariables>} */ (`
mutation ImportInstructions($experimentId: ID!, $content: String!, $source: String) {
  importInstructions(
    experimentId: $experimentId
    content: $content
    source: $source
  ) {
    accepted
    instructionCount
    duplicates {
      line
    }
    rejected {
      line
      reason
    }
  }
}
`);

/** The mutation RunLoop. */
export const RunLoopDocument = /** @type {Document<import('../../generated/dashboard-operations.js').RunLoopMutation, import('../../generated/dashboard-operations.js').RunLoopMutationVariables>} */ (`
mutation RunLoop($experimentId: ID!, $iterations: Int!, $evaluateOn: [ID!]) {
  runLoop(
    experimentId: $experimentId
    iterations: $iterations
    evaluateOn: $evaluateOn
  ) {
    loop {
      status
      targetIteration
    }
  }
}
`);

/** The mutation EvaluateJudge. */
export const EvaluateJudgeDocument = /** @type {Document<import('../../generated/dashboard-operations.js').EvaluateJudgeMutation, import('../../generated/dashboard-operations.js').EvaluateJudgeMutationVariables>} */ (`
mutation EvaluateJudge($benchmarkId: ID!, $experimentId: ID, $iterationId: ID) {
  evaluateJudge(
    benchmarkId: $benchmarkId
    experimentId: $experimentId
    iterationId: $iterationId
  ) {
    id
    status
  }
}
`);

/** The query ExperimentInstructions. */
export const ExperimentInstructionsDocument = /** @type {Document<import('../../generated/dashboard-operations.js').ExperimentInstructionsQuery, import('../../generated/dashboard-operations.js').ExperimentInstructionsQueryVariables>} */ (`
query ExperimentInstructions($id: ID!, $first: Int, $after: String, $search: String) {
  experiment(id: $id) {
    instructions(first: $first, after: $after, search: $search) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          text
          category
          excludedReason
        }
      }
    }
  }
}
`);

/** The query ExperimentPairs. */
export const ExperimentPairsDocument = /** @type {Document<import('../../generated/dashboard-operations.js').ExperimentPairsQuery, import('../../generated/dashboard-operations.js').ExperimentPairsQueryVariables>} */ (`
query ExperimentPairs($id: ID!, $first: Int, $after: String, $status: PairStatus, $search: String) {
  experiment(id: $id) {
    pairs(first: $first, after: $after, status: $status, search: $search) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          status
          error
          instruction {
            id
            text
          }
        }
      }
    }
  }
}
`);

/** The query Home. */
export const HomeDocument = /** @type {Document<import('../../generated/dashboard-operations.js').HomeQuery, import('../../generated/dashboard-operations.js').HomeQueryVariables>} */ (`
query Home {
  experiments(first: 100) {
    totalCount
    edges {
      node {
        id
        name
        createdAt
        instructionCount
        loop {
          status
        }
        stages {
          promptTokens
          completionTokens
        }
        iterations {
          status
        }
      }
    }
  }
  benchmarks {
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
}
`);

/** The query HomeEvaluations. */
export const HomeEvaluationsDocument = /** @type {Document<import('../../generated/dashboard-operations.js').HomeEvaluationsQuery, import('../../generated/dashboard-operations.js').HomeEvaluationsQueryVariables>} */ (`
query HomeEvaluations {
  evaluations(first: 200) {
    edges {
      node {
        experimentId
        status
        benchmark {
          name
        }
        overall {
          accuracy {
            value
          }
        }
      }
    }
  }
}
`);

/** The mutation CreateExperiment. */
export const CreateExperimentDocument = /** @type {Document<import('../../generated/dashboard-operations.js').CreateExperimentMutation, import('../../generated/dashboard-operations.js').CreateExperimentMutationVariables>} */ (`
mutation CreateExperiment($name: String!, $samplesPerOrder: Int) {
  createExperiment(name: $name, config: {samplesPerOrder: $samplesPerOrder}) {
    id
  }
}
`);

/** The query Iteration. */
export const IterationDocument = /** @type {Document<import('../../generated/dashboard-operations.js').IterationQuery, import('../../generated/dashboard-operations.js').IterationQueryVariables>} */ (`
query Iteration($id: ID!) {
  iteration(id: $id) {
    id
    index
    status
    error
    judgeModel
    trainedModel
    experiment {
      id
      name
    }
    stages {
      ...StageFields
    }
    stats {
      ...IterationStats
    }
    cost {
      ...MoneyFields
    }
    unpricedModels
    trainingJobs {
      ...TrainingJobFields
    }
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
  error
  startedAt
  finishedAt
  promptTokens
  completionTokens
}

fragment IterationStats on IterationStats {
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

fragment MoneyFields on Money {
  amount
  value
  currency
}

fragment TrainingJobFields on TrainingJob {
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
`);

/** The subscription JudgmentAdded. */
export const JudgmentAddedDocument = /** @type {Document<import('../../generated/dashboard-operations.js').JudgmentAddedSubscription, import('../../generated/dashboard-operations.js').JudgmentAddedSubscriptionVariables>} */ (`
subscription JudgmentAdded($iterationId: ID!, $afterSeq: Int) {
  judgmentAdded(iterationId: $iterationId, afterSeq: $afterSeq) {
    seq
    order
    sample
    verdict
    correct
    selected
    reasoning
    model
    pair {
      id
    }
  }
}
`);

/** The subscription IterationUpdated. */
export const IterationUpdatedDocument = /** @type {Document<import('../../generated/dashboard-operations.js').IterationUpdatedSubscription, import('../../generated/dashboard-operations.js').IterationUpdatedSubscriptionVariables>} */ (`
subscription IterationUpdated($experimentId: ID!) {
  iterationUpdated(experimentId: $experimentId) {
    id
  }
}
`);

/** The query IterationJudgments. */
export const IterationJudgmentsDocument = /** @type {Document<import('../../generated/dashboard-operations.js').IterationJudgmentsQuery, import('../../generated/dashboard-operations.js').IterationJudgmentsQueryVariables>} */ (`
query IterationJudgments($id: ID!, $first: Int, $filter: JudgmentFilter, $after: String) {
  iteration(id: $id) {
    judgments(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          seq
          order
          sample
          verdict
          correct
          selected
          reasoning
          pair {
            id
          }
          usage {
            promptTokens
            completionTokens
          }
        }
      }
    }
  }
}
`);

/** The query Pair. */
export const PairDocument = /** @type {Document<import('../../generated/dashboard-operations.js').PairQuery, import('../../generated/dashboard-operations.js').PairQueryVariables>} */ (`
query Pair($id: ID!, $first: Int, $after: String) {
  pair(id: $id) {
    id
    status
    error
    modifiedInstruction
    chosen
    rejected
    instruction {
      id
      text
      category
    }
    judgments(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          seq
          order
          sample
          verdict
          correct
          selected
          model
          reasoning
          finishReason
          usage {
            promptTokens
            completionTokens
          }
          iteration {
            id
            index
          }
        }
      }
    }
  }
}
`);

/** The query PairJudgeTemplate. */
export const PairJudgeTemplateDocument = /** @type {Document<import('../../generated/dashboard-operations.js').PairJudgeTemplateQuery, import('../../generated/dashboard-operations.js').PairJudgeTemplateQueryVariables>} */ (`
query PairJudgeTemplate($iterationId: ID!) {
  iteration(id: $iterationId) {
    experiment {
      id
      name
      config {
        judgeTemplate {
          system
          user
        }
      }
    }
  }
}
`);

/** The query StageLog. */
export const StageLogDocument = /** @type {Document<import('../../generated/dashboard-operations.js').StageLogQuery, import('../../generated/dashboard-operations.js').StageLogQueryVariables>} */ (`
query StageLog($id: ID!, $last: Int) {
  stage(id: $id) {
    log(last: $last) {
      ...LogLine
    }
  }
}

fragment LogLine on StageLogLine {
  id
  stream
  line
}
`);

/** The subscription StageLogAppended. */
export const StageLogAppendedDocument = /** @type {Document<import('../../generated/dashboard-operations.js').StageLogAppendedSubscription, import('../../generated/dashboard-operations.js').StageLogAppendedSubscriptionVariables>} */ (`
subscription StageLogAppended($stageId: ID!, $afterId: ID) {
  stageLogAppended(stageId: $stageId, afterId: $afterId) {
    ...LogLine
  }
}

fragment LogLine on StageLogLine {
  id
  stream
  line
}
`);

/** The mutation RegisterJudgeModel. */
export const RegisterJudgeModelDocument = /** @type {Document<import('../../generated/dashboard-operations.js').RegisterJudgeModelMutation, import('../../generated/dashboard-operations.js').RegisterJudgeModelMutationVariables>} */ (`
mutation RegisterJudgeModel($iterationId: ID!, $model: String!) {
  registerJudgeModel(iterationId: $iterationId, model: $model) {
    status
    trainedModel
  }
}
`);

/** The query ServiceInfo. */
export const ServiceInfoDocument = /** @type {Document<import('../../generated/dashboard-operations.js').ServiceInfoQuery, import('../../generated/dashboard-operations.js').ServiceInfoQueryVariables>} */ (`
query ServiceInfo {
  serviceInfo {
    database
    endpoint
    role
    version
  }
}
`);

/** The query NavExperiments. */
export const NavExperimentsDocument = /** @type {Document<import('../../generated/dashboard-operations.js').NavExperimentsQuery, import('../../generated/dashboard-operations.js').NavExperimentsQueryVariables>} */ (`
query NavExperiments {
  experiments(first: 100) {
    edges {
      node {
        id
        name
        loop {
          status
        }
        iterations {
          id
        }
      }
    }
  }
}
`);

/** The subscription StageUpdated. */
export const StageUpdatedDocument = /** @type {Document<import('../../generated/dashboard-operations.js').StageUpdatedSubscription, import('../../generated/dashboard-operations.js').StageUpdatedSubscriptionVariables>} */ (`
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
  error
  startedAt
  finishedAt
  promptTokens
  completionTokens
}
`);

/** The mutation CancelStage. */
export const CancelStageDocument = /** @type {Document<import('../../generated/dashboard-operations.js').CancelStageMutation, import('../../generated/dashboard-operations.js').CancelStageMutationVariables>} */ (`
mutation CancelStage($stageId: ID!) {
  cancelStage(stageId: $stageId) {
    status
  }
}
`);

/** The mutation ResumeStage. */
export const ResumeStageDocument = /** @type {Document<import('../../generated/dashboard-operations.js').ResumeStageMutation, import('../../generated/dashboard-operations.js').ResumeStageMutationVariables>} */ (`
mutation ResumeStage($stageId: ID!) {
  resumeStage(stageId: $stageId) {
    status
  }
}
`);
