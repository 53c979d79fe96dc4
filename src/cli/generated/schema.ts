// Generated from schema.graphql by graphql-codegen (codegen.ts): do not edit, run `npm run codegen`.
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An ISO-8601 date and time in UTC, for example "2026-11-28T10:15:00.000Z". */
  DateTime: { input: string; output: string; }
  /** Any JSON value (used for free-form counts and training hyper-parameters). */
  JSON: { input: unknown; output: unknown; }
};

/** A share in [0, 1] with its 95% percentile bootstrap interval over items (seeded: the same verdicts give the same interval). A change between two evaluations may be negative. */
export type Accuracy = {
  __typename?: 'Accuracy';
  /** Upper bound of the 95% interval. */
  high: Scalars['Float']['output'];
  /** Lower bound of the 95% interval. */
  low: Scalars['Float']['output'];
  /** Point estimate. */
  value: Scalars['Float']['output'];
};

/** A labeled pairwise benchmark: held out, never trained on. */
export type Benchmark = {
  __typename?: 'Benchmark';
  /** When it was imported. */
  createdAt: Scalars['DateTime']['output'];
  /** Evaluations run on it, newest first. */
  evaluations: Array<Evaluation>;
  /** The format it was imported from (rewardbench, llmbar or pairwise). */
  format: Scalars['String']['output'];
  /** Identifier. */
  id: Scalars['ID']['output'];
  /** Its items in position order, optionally of one subset (first: 0 to 500). */
  items: BenchmarkItemConnection;
  /** Unique name. */
  name: Scalars['String']['output'];
  /** Items. */
  size: Scalars['Int']['output'];
  /** Subsets with their sizes, by name. */
  subsets: Array<BenchmarkSubset>;
};


/** A labeled pairwise benchmark: held out, never trained on. */
export type BenchmarkItemsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  subset?: InputMaybe<Scalars['String']['input']>;
};

/** Benchmark file formats. */
export type BenchmarkFormat =
  /** LLMBar files (JSON array): input, output_1, output_2, label (1 or 2 names the better output); the subset argument names their subset. */
  | 'LLMBAR'
  /** Any pairwise JSONL (or JSON array) whose field names are given by a mapping. */
  | 'PAIRWISE'
  /** RewardBench rows (JSONL): prompt, chosen, rejected, subset, id. */
  | 'REWARDBENCH';

/** One labeled item of a benchmark. */
export type BenchmarkItem = {
  __typename?: 'BenchmarkItem';
  /** The better answer. */
  chosen: Scalars['String']['output'];
  /** Identifier. */
  id: Scalars['ID']['output'];
  /** 1-based position in the benchmark (in the bundled benchmarks, positions run on across files). */
  position: Scalars['Int']['output'];
  /** The prompt. */
  prompt: Scalars['String']['output'];
  /** The worse answer. */
  rejected: Scalars['String']['output'];
  /** The row's id in its file, if any. */
  sourceId?: Maybe<Scalars['String']['output']>;
  /** Subset. */
  subset: Scalars['String']['output'];
};

/** A page of benchmark items. */
export type BenchmarkItemConnection = {
  __typename?: 'BenchmarkItemConnection';
  /** The items of this page. */
  edges: Array<BenchmarkItemEdge>;
  /** Paging. */
  pageInfo: PageInfo;
  /** Items in the whole list (of the subset, when given; 0 for a subset the benchmark does not have). */
  totalCount: Scalars['Int']['output'];
};

/** A benchmark item with its cursor. */
export type BenchmarkItemEdge = {
  __typename?: 'BenchmarkItemEdge';
  /** Opaque cursor. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: BenchmarkItem;
};

/** Field names of a generic pairwise file. */
export type BenchmarkMappingInput = {
  /** Field holding the better answer. */
  chosen: Scalars['String']['input'];
  /** Field holding the row's id. Default `id`. */
  id?: InputMaybe<Scalars['String']['input']>;
  /** Field holding the prompt. */
  prompt: Scalars['String']['input'];
  /** Field holding the worse answer. */
  rejected: Scalars['String']['input'];
  /** Field holding the subset name. Default `subset`. */
  subset?: InputMaybe<Scalars['String']['input']>;
};

/** A row left out of a benchmark. */
export type BenchmarkRowRejection = {
  __typename?: 'BenchmarkRowRejection';
  /** The bundled file it is in (null for an upload). */
  file?: Maybe<Scalars['String']['output']>;
  /** 1-based line (JSONL) or item (JSON array) number in its file. */
  position: Scalars['Int']['output'];
  /** Why it was left out. */
  reason: Scalars['String']['output'];
};

/** A subset of a benchmark. */
export type BenchmarkSubset = {
  __typename?: 'BenchmarkSubset';
  /** Name (RewardBench's names where they exist, so that section scores apply). */
  name: Scalars['String']['output'];
  /** Items. */
  size: Scalars['Int']['output'];
};

/** Options of an evaluation; anything left out takes the default shown on EvaluationOptions. */
export type EvaluateOptionsInput = {
  /** The judge prompt and its verdict patterns, for judges trained on another format (LLMBar's `Output (a)`, Prometheus's `[RESULT]`). Default: the experiment's template for its judges, else the MT-Bench judge. */
  judgeTemplate?: InputMaybe<JudgeTemplateInput>;
  /** 1 to 32768. Default 2048. */
  maxTokens?: InputMaybe<Scalars['Int']['input']>;
  /** Default BOTH. */
  order?: InputMaybe<EvaluationOrder>;
  /** Samples per item and order (k), 1 to 64; majority vote when above 1. Default 1. */
  samples?: InputMaybe<Scalars['Int']['input']>;
  /** Seed of the random order, the sampling seeds and the bootstrap intervals. Default 1. */
  seed?: InputMaybe<Scalars['Int']['input']>;
  /** Only these subsets. Default: all. */
  subsets?: InputMaybe<Array<Scalars['String']['input']>>;
  /** 0 to 2. Default 0 (greedy); must be above 0 when samples is above 1. */
  temperature?: InputMaybe<Scalars['Float']['input']>;
  /** Above 0, at most 1. Default 1. */
  topP?: InputMaybe<Scalars['Float']['input']>;
};

/** A judge scored on a benchmark. Its results are stored when its stage finishes, and computed from the verdicts stored so far while it runs. */
export type Evaluation = {
  __typename?: 'Evaluation';
  /** The benchmark. */
  benchmark: Benchmark;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Why it failed. */
  error?: Maybe<Scalars['String']['output']>;
  /** The experiment whose judge this is (null for a model evaluated on its own). */
  experimentId?: Maybe<Scalars['ID']['output']>;
  /** Identifier. */
  id: Scalars['ID']['output'];
  /** The iteration that trained this judge (null for a seed judge or a model evaluated on its own). */
  iterationId?: Maybe<Scalars['ID']['output']>;
  /** The judge model scored. */
  judgeModel: Scalars['String']['output'];
  /** How it judges. */
  options: EvaluationOptions;
  /** Metrics over all items. */
  overall: EvaluationMetrics;
  /** True until the stage has succeeded or failed with its results stored: the results cover the verdicts stored so far. */
  partial: Scalars['Boolean']['output'];
  /** RewardBench section scores. */
  rewardBench: RewardBenchReport;
  /** The EVALUATE stage doing the work (progress, failures, tokens; cancelStage and resumeStage apply). */
  stage?: Maybe<Stage>;
  /** Lifecycle, from its EVALUATE stage. */
  status: StageStatus;
  /** Metrics per subset, by name. */
  subsets: Array<EvaluationMetrics>;
};

/** A page of evaluations. */
export type EvaluationConnection = {
  __typename?: 'EvaluationConnection';
  /** The evaluations of this page. */
  edges: Array<EvaluationEdge>;
  /** Paging. */
  pageInfo: PageInfo;
  /** Evaluations matching the filter. */
  totalCount: Scalars['Int']['output'];
};

/** Item by item, how evaluation b's verdicts differ from a's (two evaluations of one benchmark; only items in both are compared). */
export type EvaluationDiff = {
  __typename?: 'EvaluationDiff';
  /** The earlier evaluation. */
  a: Evaluation;
  /** Mean item score of a over the items in both. */
  accuracyA?: Maybe<Scalars['Float']['output']>;
  /** Mean item score of b over the items in both. */
  accuracyB?: Maybe<Scalars['Float']['output']>;
  /** accuracyB - accuracyA, with a paired bootstrap interval over the items (null when no item is in both). */
  accuracyChange?: Maybe<Accuracy>;
  /** The later evaluation. */
  b: Evaluation;
  /** Items right in a, wrong in b. */
  broken: Scalars['Int']['output'];
  /** Items wrong in a, right in b. */
  fixed: Scalars['Int']['output'];
  /** The items that are not right in both (fixed, broken, still wrong), by item id. */
  items: Array<EvaluationDiffItem>;
  /** Items judged only in a (left out of the comparison). */
  onlyInA: Scalars['Int']['output'];
  /** Items judged only in b. */
  onlyInB: Scalars['Int']['output'];
  /** Items right in both. */
  stillRight: Scalars['Int']['output'];
  /** Items wrong in both. */
  stillWrong: Scalars['Int']['output'];
};

/** One item of an evaluation diff. */
export type EvaluationDiffItem = {
  __typename?: 'EvaluationDiffItem';
  /** Its outcome in a. */
  a: ItemOutcome;
  /** Its outcome in b. */
  b: ItemOutcome;
  /** How it changed. */
  change: ItemChange;
  /** The benchmark item. */
  item: BenchmarkItem;
};

/** An evaluation with its cursor. */
export type EvaluationEdge = {
  __typename?: 'EvaluationEdge';
  /** Opaque cursor. */
  cursor: Scalars['String']['output'];
  /** The evaluation. */
  node: Evaluation;
};

/** Which evaluations Query.evaluations lists; every field left out matches everything. */
export type EvaluationFilter = {
  /** Only evaluations on this benchmark. */
  benchmarkId?: InputMaybe<Scalars['ID']['input']>;
  /** Only evaluations of this experiment's judges (its seed judge and the judges it trained). */
  experimentId?: InputMaybe<Scalars['ID']['input']>;
  /** Only evaluations of the judge this iteration trained. */
  iterationId?: InputMaybe<Scalars['ID']['input']>;
  /** Only evaluations of this judge model (exact name). */
  judgeModel?: InputMaybe<Scalars['String']['input']>;
};

/** Metrics of one subset, or of all items. Every verdict scores as RewardBench scores it: 1 correct, 0 wrong, 0.5 for a tie or an unparseable output. */
export type EvaluationMetrics = {
  __typename?: 'EvaluationMetrics';
  /** Mean accuracy over the orders judged. */
  accuracy?: Maybe<Accuracy>;
  /** Items the agreement rate is computed over. */
  agreementItems: Scalars['Int']['output'];
  /** Among items whose two verdicts are both A or B: share where the same answer wins in both orders (position bias lowers it). */
  agreementRate?: Maybe<Accuracy>;
  /** Accuracy with the better answer first (with k > 1: every sample scored on its own). */
  chosenFirst?: Maybe<Accuracy>;
  /** Accuracy with the better answer second. */
  chosenSecond?: Maybe<Accuracy>;
  /** Items with at least one verdict. */
  items: Scalars['Int']['output'];
  /** Items judged in both orders. */
  itemsBothOrders: Scalars['Int']['output'];
  /** With k > 1: accuracies of the per-order majority verdicts (a tie for the most votes scores 0.5); null when k = 1. */
  majorityVote?: Maybe<OrderAccuracy>;
  /** Share of items judged in both orders that are correct in both. */
  positionConsistent?: Maybe<Accuracy>;
  /** Subset name, or `overall` (all items, unweighted). */
  subset: Scalars['String']['output'];
  /** Share of verdicts that are TIE. */
  tieRate?: Maybe<Scalars['Float']['output']>;
  /** Share of verdicts that are UNPARSEABLE. */
  unparseableRate?: Maybe<Scalars['Float']['output']>;
  /** Verdicts (samples) scored. */
  verdicts: Scalars['Int']['output'];
};

/** How an evaluation judges. */
export type EvaluationOptions = {
  __typename?: 'EvaluationOptions';
  /** The judge prompt and the patterns its verdicts are read with. */
  judgeTemplate: JudgeTemplate;
  /** Maximum tokens of a judgment. */
  maxTokens: Scalars['Int']['output'];
  /** Order(s) each item is shown in. */
  order: EvaluationOrder;
  /** Samples per item and order (k). */
  samples: Scalars['Int']['output'];
  /** Seed of the random order, the sampling seeds and the bootstrap intervals. */
  seed: Scalars['Int']['output'];
  /** The subsets judged; null for all. */
  subsets?: Maybe<Array<Scalars['String']['output']>>;
  /** Sampling temperature. */
  temperature: Scalars['Float']['output'];
  /** Nucleus sampling. */
  topP: Scalars['Float']['output'];
};

/** The order(s) in which an evaluation shows each pair. */
export type EvaluationOrder =
  /** The better answer first, as the file gives it. */
  | 'AS_GIVEN'
  /** Every item with the better answer first and second: reports position bias honestly. */
  | 'BOTH'
  /** One order per item, drawn from the seed (RewardBench's protocol, reproducible). */
  | 'RANDOM_SEEDED';

/** One run of the Self-Taught Evaluator loop: its instructions, pairs and iterations. */
export type Experiment = {
  __typename?: 'Experiment';
  /** Options fixed at creation. */
  config: ExperimentConfig;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Identifier. */
  id: Scalars['ID']['output'];
  /** Number of instructions imported. */
  instructionCount: Scalars['Int']['output'];
  /** Instructions in import order (first: 0 to 500). */
  instructions: InstructionConnection;
  /** Iterations in order of index. */
  iterations: Array<Iteration>;
  /** The unattended loop started by runLoop, if any. */
  loop?: Maybe<LoopState>;
  /** Human name. */
  name: Scalars['String']['output'];
  /** Pairs in creation order (first: 0 to 500). */
  pairs: PairConnection;
  /** Evaluations of the seed judge (M_1), newest first: the baseline each iteration's evaluations compare with. */
  seedEvaluations: Array<Evaluation>;
  /** Every stage of the experiment, newest first. */
  stages: Array<Stage>;
};


/** One run of the Self-Taught Evaluator loop: its instructions, pairs and iterations. */
export type ExperimentInstructionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** One run of the Self-Taught Evaluator loop: its instructions, pairs and iterations. */
export type ExperimentPairsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<PairStatus>;
};

/** Everything that decides how an experiment runs. Fixed at creation. */
export type ExperimentConfig = {
  __typename?: 'ExperimentConfig';
  /** Categories offered to CATEGORIZE. */
  categories: Array<Scalars['String']['output']>;
  /** Maximum tokens of a generated answer. Default 2048. */
  generationMaxTokens: Scalars['Int']['output'];
  /** Model that writes answers, modified instructions and categories. */
  generatorModel: Scalars['String']['output'];
  /** The seed judge M_1 (judges iteration 1). */
  judgeModel: Scalars['String']['output'];
  /** The judge prompt and its verdict patterns. */
  judgeTemplate: JudgeTemplate;
  /** When non-empty, only instructions in these categories get pairs (the paper kept reasoning). */
  keepCategories: Array<Scalars['String']['output']>;
  /** Maximum tokens of a judgment. Default 4096. */
  maxTokens: Scalars['Int']['output'];
  /** Generate fresh pairs for each iteration instead of keeping them fixed (the paper kept them fixed). */
  regeneratePairs: Scalars['Boolean']['output'];
  /** Judgment samples per pair and order (N). Default 8; the paper used 15. */
  samplesPerOrder: Scalars['Int']['output'];
  /** Seed of every random choice (orders, selection, balancing, sampling seeds). */
  seed: Scalars['Int']['output'];
  /** Selection options. */
  selection: SelectionConfig;
  /** Judge sampling temperature. Default 0.7. */
  temperature: Scalars['Float']['output'];
  /** Token budget for the whole experiment; null for none. */
  tokenBudget?: Maybe<Scalars['Float']['output']>;
  /** Judge nucleus sampling. Default 0.9. */
  topP: Scalars['Float']['output'];
  /** Training options. */
  training: TrainingConfig;
};

/** Options of a new experiment; anything left out takes the default shown on ExperimentConfig. */
export type ExperimentConfigInput = {
  /** Default: reasoning, coding, math, writing, knowledge, roleplay, extraction, other. */
  categories?: InputMaybe<Array<Scalars['String']['input']>>;
  /** 1 to 32768. Default 2048. */
  generationMaxTokens?: InputMaybe<Scalars['Int']['input']>;
  /** Default: the simulator's generator when no endpoint is configured. */
  generatorModel?: InputMaybe<Scalars['String']['input']>;
  /** Default: the simulator's seed judge when no endpoint is configured. */
  judgeModel?: InputMaybe<Scalars['String']['input']>;
  /** Default: the MT-Bench pairwise judge ending in [[A]] or [[B]]. */
  judgeTemplate?: InputMaybe<JudgeTemplateInput>;
  /** Default: all categories. */
  keepCategories?: InputMaybe<Array<Scalars['String']['input']>>;
  /** 1 to 32768. Default 4096. */
  maxTokens?: InputMaybe<Scalars['Int']['input']>;
  /** Default false. */
  regeneratePairs?: InputMaybe<Scalars['Boolean']['input']>;
  /** 1 to 64. Default 8. */
  samplesPerOrder?: InputMaybe<Scalars['Int']['input']>;
  /** Default 1. */
  seed?: InputMaybe<Scalars['Int']['input']>;
  /** Selection options. */
  selection?: InputMaybe<SelectionConfigInput>;
  /** 0 to 2. Default 0.7. */
  temperature?: InputMaybe<Scalars['Float']['input']>;
  /** Token budget; null for none. */
  tokenBudget?: InputMaybe<Scalars['Float']['input']>;
  /** Above 0, at most 1. Default 0.9. */
  topP?: InputMaybe<Scalars['Float']['input']>;
  /** Training options. */
  training?: InputMaybe<TrainingConfigInput>;
};

/** A page of experiments. */
export type ExperimentConnection = {
  __typename?: 'ExperimentConnection';
  /** The experiments of this page. */
  edges: Array<ExperimentEdge>;
  /** Paging. */
  pageInfo: PageInfo;
  /** Experiments in the whole list. */
  totalCount: Scalars['Int']['output'];
};

/** An experiment with its cursor. */
export type ExperimentEdge = {
  __typename?: 'ExperimentEdge';
  /** Opaque cursor. */
  cursor: Scalars['String']['output'];
  /** The experiment. */
  node: Experiment;
};

/** Outcome of a benchmark import. */
export type ImportBenchmarkResult = {
  __typename?: 'ImportBenchmarkResult';
  /** The benchmark. */
  benchmark: Benchmark;
  /** False when a bundled benchmark was imported before (it is returned unchanged). */
  created: Scalars['Boolean']['output'];
  /** Instructions of any experiment newly kept out of training because the benchmark contains their text. */
  excludedInstructions: Scalars['Int']['output'];
  /** Rows left out: a bundled benchmark's known bad rows. (An upload with a bad row stores nothing and fails instead.) */
  skipped: Array<BenchmarkRowRejection>;
};

/** A duplicate line of an import. */
export type ImportDuplicate = {
  __typename?: 'ImportDuplicate';
  /** The earlier line with the same normalised text, or null when it was already stored. */
  duplicateOfLine?: Maybe<Scalars['Int']['output']>;
  /** 1-based line number of the duplicate. */
  line: Scalars['Int']['output'];
};

/** Outcome of importInstructions. A batch with any rejected line stores nothing. */
export type ImportInstructionsResult = {
  __typename?: 'ImportInstructionsResult';
  /** Instructions stored by this call. */
  accepted: Scalars['Int']['output'];
  /** Lines whose normalised text repeats another line or an instruction already stored. */
  duplicates: Array<ImportDuplicate>;
  /** Instructions kept out of training because a benchmark contains them. */
  excluded: Scalars['Int']['output'];
  /** The experiment's instruction count after the call. */
  instructionCount: Scalars['Int']['output'];
  /** Rejected lines with reasons. */
  rejected: Array<ImportRejection>;
  /** Whether anything was stored. */
  stored: Scalars['Boolean']['output'];
};

/** A rejected line of an import. */
export type ImportRejection = {
  __typename?: 'ImportRejection';
  /** 1-based line (or item) number in the file. */
  line: Scalars['Int']['output'];
  /** Why it was rejected. */
  reason: Scalars['String']['output'];
};

/** An unlabeled user instruction x. */
export type Instruction = {
  __typename?: 'Instruction';
  /** Category from the file or from CATEGORIZE; null when unknown. */
  category?: Maybe<Scalars['String']['output']>;
  /** Why the instruction is kept out of training (for example: it appears in a benchmark); null when usable. */
  excludedReason?: Maybe<Scalars['String']['output']>;
  /** Identifier. */
  id: Scalars['ID']['output'];
  /** Identifier in the source file (MT-Bench question_id, an `id` field), if any. */
  sourceId?: Maybe<Scalars['String']['output']>;
  /** The instruction text. */
  text: Scalars['String']['output'];
};

/** A page of instructions. */
export type InstructionConnection = {
  __typename?: 'InstructionConnection';
  /** The instructions of this page. */
  edges: Array<InstructionEdge>;
  /** Paging. */
  pageInfo: PageInfo;
  /** Instructions in the whole list. */
  totalCount: Scalars['Int']['output'];
};

/** An instruction with its cursor. */
export type InstructionEdge = {
  __typename?: 'InstructionEdge';
  /** Opaque cursor. */
  cursor: Scalars['String']['output'];
  /** The instruction. */
  node: Instruction;
};

/** Instruction file formats. */
export type InstructionFormat =
  /** Detect: JSON array when the content starts with [, JSONL otherwise. */
  | 'AUTO'
  /** A JSON array of such objects. */
  | 'JSON'
  /** JSONL objects with `instruction`, `prompt` or `text`. */
  | 'JSONL'
  /** MT-Bench / Vicuna-bench question JSONL: the first of `turns` is the instruction. */
  | 'MTBENCH';

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

/** An item's outcome in one evaluation. */
export type ItemOutcome = {
  __typename?: 'ItemOutcome';
  /** Verdict with the better answer first (the majority when k > 1); null when not judged in that order. */
  chosenFirst?: Maybe<Verdict>;
  /** Verdict with the better answer second. */
  chosenSecond?: Maybe<Verdict>;
  /** Correct in every order judged. */
  right: Scalars['Boolean']['output'];
  /** Mean score over the orders judged (1 correct, 0 wrong, 0.5 tie or unparseable). */
  score: Scalars['Float']['output'];
};

/** Iteration t: judge M_t labels the pairs, selection keeps correct judgments, training produces M_{t+1}. */
export type Iteration = {
  __typename?: 'Iteration';
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Why it failed or was cancelled. */
  error?: Maybe<Scalars['String']['output']>;
  /** Evaluations of the judge this iteration trained (M_{t+1}), newest first; compare with Experiment.seedEvaluations. */
  evaluations: Array<Evaluation>;
  /** The experiment. */
  experiment: Experiment;
  /** Identifier. */
  id: Scalars['ID']['output'];
  /** t, from 1. */
  index: Scalars['Int']['output'];
  /** M_t: the judge of this iteration. */
  judgeModel: Scalars['String']['output'];
  /** Judgments in seq order, filterable (first: 0 to 500). */
  judgments: JudgmentConnection;
  /** Stages of this iteration, oldest first. */
  stages: Array<Stage>;
  /** Counts read from the rows. */
  stats: IterationStats;
  /** Lifecycle. */
  status: IterationStatus;
  /** M_{t+1}: null until trained. */
  trainedModel?: Maybe<Scalars['String']['output']>;
  /** The fine-tuning job, once TRAIN has started. */
  trainingJob?: Maybe<TrainingJob>;
};


/** Iteration t: judge M_t labels the pairs, selection keeps correct judgments, training produces M_{t+1}. */
export type IterationJudgmentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<JudgmentFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** Counts of an iteration, kept up to date as its judgments are written and selected. */
export type IterationStats = {
  __typename?: 'IterationStats';
  /** Completion tokens of every call of this iteration. */
  completionTokens: Scalars['Float']['output'];
  /** Judgments whose verdict names y_w. */
  correct: Scalars['Int']['output'];
  /** Judgments whose verdict names y_l. */
  incorrect: Scalars['Int']['output'];
  /** Judgments stored. */
  judgments: Scalars['Int']['output'];
  /** Pair/orders with no correct judgment (dropped by selection). */
  pairOrdersWithoutCorrect: Scalars['Int']['output'];
  /** Pairs with no correct judgment in either order. */
  pairsWithoutCorrect: Scalars['Int']['output'];
  /** Prompt tokens of every call of this iteration. */
  promptTokens: Scalars['Float']['output'];
  /** Judgments kept for training. */
  selected: Scalars['Int']['output'];
  /** Selected judgments whose verdict is A. */
  selectedAWins: Scalars['Int']['output'];
  /** Selected judgments whose verdict is B. */
  selectedBWins: Scalars['Int']['output'];
  /** Selection's own counts: kept, dropped for no correct judgment, below the minimum share, for balance. */
  selection?: Maybe<Scalars['JSON']['output']>;
  /** Judgments with a tie verdict. */
  ties: Scalars['Int']['output'];
  /** Judgments with no readable verdict. */
  unparseable: Scalars['Int']['output'];
};

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

/** A judge prompt template with the patterns that read its verdict. */
export type JudgeTemplate = {
  __typename?: 'JudgeTemplate';
  /** System message (may be empty). */
  system: Scalars['String']['output'];
  /** User message with the placeholders {question}, {answer_a} and {answer_b}. */
  user: Scalars['String']['output'];
  /** Regular expression whose match means A is better. */
  verdictA: Scalars['String']['output'];
  /** Regular expression whose match means B is better. */
  verdictB: Scalars['String']['output'];
  /** Optional regular expression for an explicit tie. */
  verdictTie?: Maybe<Scalars['String']['output']>;
};

/** A custom judge template. */
export type JudgeTemplateInput = {
  /** System message (may be empty). */
  system: Scalars['String']['input'];
  /** User message; must contain {question}, {answer_a} and {answer_b}. */
  user: Scalars['String']['input'];
  /** Regular expression whose match means A is better, for example `Output \(a\)`. */
  verdictA: Scalars['String']['input'];
  /** Regular expression whose match means B is better. */
  verdictB: Scalars['String']['input'];
  /** Optional regular expression for an explicit tie. */
  verdictTie?: InputMaybe<Scalars['String']['input']>;
};

/** One judge sample: reasoning and verdict for one pair in one order. */
export type Judgment = {
  __typename?: 'Judgment';
  /** True when the verdict names y_w. */
  correct: Scalars['Boolean']['output'];
  /** When it was stored. */
  createdAt: Scalars['DateTime']['output'];
  /** Why the generation stopped (stop, length, ...). */
  finishReason?: Maybe<Scalars['String']['output']>;
  /** Identifier. */
  id: Scalars['ID']['output'];
  /** The iteration. */
  iteration: Iteration;
  /** The judge model. */
  model: Scalars['String']['output'];
  /** Which position y_w had. */
  order: JudgmentOrder;
  /** The pair judged. */
  pair: Pair;
  /** The judge's full output. */
  reasoning: Scalars['String']['output'];
  /** Sample number within the pair and order, from 0. */
  sample: Scalars['Int']['output'];
  /** True when selection kept it for training. */
  selected: Scalars['Boolean']['output'];
  /** Position in the iteration's commit order; strictly increasing: the resume cursor of judgmentAdded. */
  seq: Scalars['Int']['output'];
  /** Tokens. */
  usage: Usage;
  /** The verdict read from the output. */
  verdict: Verdict;
};

/** A page of judgments. */
export type JudgmentConnection = {
  __typename?: 'JudgmentConnection';
  /** The judgments of this page. */
  edges: Array<JudgmentEdge>;
  /** Paging. */
  pageInfo: PageInfo;
  /** Judgments matching the list's filter. Read from the iteration's counters without a filter or with one of correct, selected, or verdict TIE or UNPARSEABLE alone; other filters count the rows. */
  totalCount: Scalars['Int']['output'];
};

/** A judgment with its cursor. */
export type JudgmentEdge = {
  __typename?: 'JudgmentEdge';
  /** Opaque cursor. */
  cursor: Scalars['String']['output'];
  /** The judgment. */
  node: Judgment;
};

/** Filters for judgments; every field left out matches everything. */
export type JudgmentFilter = {
  /** Only correct (true) or incorrect (false) judgments. */
  correct?: InputMaybe<Scalars['Boolean']['input']>;
  /** Only this order. */
  order?: InputMaybe<JudgmentOrder>;
  /** Only selected (true) or unselected (false) judgments. */
  selected?: InputMaybe<Scalars['Boolean']['input']>;
  /** Only this verdict. */
  verdict?: InputMaybe<Verdict>;
};

/** Which position the winning answer y_w had when the judge saw the pair. */
export type JudgmentOrder =
  /** y_w was shown as answer A, so the correct verdict is A. */
  | 'CHOSEN_FIRST'
  /** y_w was shown as answer B, so the correct verdict is B. */
  | 'CHOSEN_SECOND';

/** State of runLoop for an experiment. */
export type LoopState = {
  __typename?: 'LoopState';
  /** Why it stopped, when it failed or was cancelled. */
  error?: Maybe<Scalars['String']['output']>;
  /** Benchmarks the seed and each trained judge are evaluated on (runLoop's evaluateOn). */
  evaluateOn: Array<Scalars['ID']['output']>;
  /** RUNNING, SUCCEEDED, FAILED or CANCELLED. */
  status: Scalars['String']['output'];
  /** The iteration index the loop runs to. */
  targetIteration: Scalars['Int']['output'];
};

/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type Mutation = {
  __typename?: 'Mutation';
  /** Stops a stage's new calls; it ends CANCELLED and can be resumed. */
  cancelStage: Stage;
  /** Labels each instruction without a category with one of the experiment's categories. */
  categorizeInstructions: Stage;
  /** Creates an experiment; options not given take their defaults. */
  createExperiment: Experiment;
  /** Deletes an experiment with everything it holds (instructions, pairs, iterations, judgments, stages); admin only. Refused while a stage of it is active or its loop runs. Returns the id deleted. */
  deleteExperiment: Scalars['ID']['output'];
  /** Scores a judge on a benchmark in the background (an EVALUATE stage); returns at once. Name exactly one judge: iterationId, experimentId or model. */
  evaluateJudge: Evaluation;
  /** Generates y_w, x' and y_l for every usable instruction that has no pair yet. */
  generatePairs: Stage;
  /** Imports a labeled benchmark from file content in one transaction: a file with any rejected row stores nothing (the BAD_USER_INPUT error lists every position and reason, also in extensions.rejected). Flags instructions with the same text so they never enter training. */
  importBenchmark: ImportBenchmarkResult;
  /** Imports a bundled benchmark by name: llmbar (the five LLMBar files as RewardBench's llmbar-* subsets, 419 items) or llmeval2 (198 items: 2 known bad rows are skipped and reported). Importing it again returns the stored one. */
  importBundledBenchmark: ImportBenchmarkResult;
  /** Imports a bundled instruction set by name: mt-bench or vicuna-bench. */
  importBundledInstructions: ImportInstructionsResult;
  /** Imports instructions from file content (all-or-nothing per call; send large files in several calls). */
  importInstructions: ImportInstructionsResult;
  /** Judges every ready pair in both orders, N samples each, with the iteration's judge. */
  judgePairs: Stage;
  /** Names the model an external trainer produced for an iteration AWAITING_MODEL. */
  registerJudgeModel: Iteration;
  /** Re-queues the failed or missing items of a stage. */
  resumeStage: Stage;
  /** Runs whole iterations unattended (generating pairs first if needed); returns at once. */
  runLoop: Experiment;
  /** Keeps one correct judgment per pair and order, then balances A/B wins. */
  selectJudgments: Stage;
  /** Sets the experiment's token budget (null: none). Stages paused by the budget resume once it is no longer reached; a budget below what is used pauses running stages. */
  setTokenBudget: Experiment;
  /** Creates the next iteration; its judge is the seed (t = 1) or the previous iteration's trained model. */
  startIteration: Iteration;
  /** Fine-tunes the next judge on the selected judgments. */
  trainJudge: Stage;
};


/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type MutationCancelStageArgs = {
  stageId: Scalars['ID']['input'];
};


/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type MutationCategorizeInstructionsArgs = {
  experimentId: Scalars['ID']['input'];
};


/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type MutationCreateExperimentArgs = {
  config?: InputMaybe<ExperimentConfigInput>;
  name: Scalars['String']['input'];
};


/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type MutationDeleteExperimentArgs = {
  id: Scalars['ID']['input'];
};


/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type MutationEvaluateJudgeArgs = {
  benchmarkId: Scalars['ID']['input'];
  experimentId?: InputMaybe<Scalars['ID']['input']>;
  iterationId?: InputMaybe<Scalars['ID']['input']>;
  model?: InputMaybe<Scalars['String']['input']>;
  options?: InputMaybe<EvaluateOptionsInput>;
};


/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type MutationGeneratePairsArgs = {
  experimentId: Scalars['ID']['input'];
};


/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type MutationImportBenchmarkArgs = {
  content: Scalars['String']['input'];
  format: BenchmarkFormat;
  mapping?: InputMaybe<BenchmarkMappingInput>;
  name: Scalars['String']['input'];
  subset?: InputMaybe<Scalars['String']['input']>;
};


/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type MutationImportBundledBenchmarkArgs = {
  name: Scalars['String']['input'];
};


/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type MutationImportBundledInstructionsArgs = {
  experimentId: Scalars['ID']['input'];
  name: Scalars['String']['input'];
};


/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type MutationImportInstructionsArgs = {
  content: Scalars['String']['input'];
  experimentId: Scalars['ID']['input'];
  format?: InputMaybe<InstructionFormat>;
  source?: InputMaybe<Scalars['String']['input']>;
};


/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type MutationJudgePairsArgs = {
  iterationId: Scalars['ID']['input'];
};


/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type MutationRegisterJudgeModelArgs = {
  iterationId: Scalars['ID']['input'];
  model: Scalars['String']['input'];
};


/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type MutationResumeStageArgs = {
  stageId: Scalars['ID']['input'];
};


/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type MutationRunLoopArgs = {
  evaluateOn?: InputMaybe<Array<Scalars['ID']['input']>>;
  experimentId: Scalars['ID']['input'];
  iterations: Scalars['Int']['input'];
};


/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type MutationSelectJudgmentsArgs = {
  iterationId: Scalars['ID']['input'];
};


/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type MutationSetTokenBudgetArgs = {
  experimentId: Scalars['ID']['input'];
  tokenBudget?: InputMaybe<Scalars['Float']['input']>;
};


/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type MutationStartIterationArgs = {
  experimentId: Scalars['ID']['input'];
};


/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type MutationTrainJudgeArgs = {
  iterationId: Scalars['ID']['input'];
};

/** Accuracies by order. */
export type OrderAccuracy = {
  __typename?: 'OrderAccuracy';
  /** With the better answer shown first (null when no item was judged in that order). */
  chosenFirst?: Maybe<Accuracy>;
  /** With the better answer shown second. */
  chosenSecond?: Maybe<Accuracy>;
  /** Mean over items of each item's mean over the orders it was judged in. */
  mean?: Maybe<Accuracy>;
};

/**
 * Relay page information of a connection. Every list argument `first` takes 0 to 500 (MAX_PAGE_SIZE);
 * a larger value is refused with BAD_USER_INPUT. Page on with `after: pageInfo.endCursor`.
 */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last edge: pass it as `after` for the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when more items follow the last edge. */
  hasNextPage: Scalars['Boolean']['output'];
  /** True when items precede the first edge (always false: lists page forwards). */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the first edge, null on an empty page. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** A synthetic preference pair: y_w answers x, y_l answers a modified x'. y_w beats y_l by construction. */
export type Pair = {
  __typename?: 'Pair';
  /** y_w: an answer to x (the winner). */
  chosen?: Maybe<Scalars['String']['output']>;
  /** Why it was rejected or failed. */
  error?: Maybe<Scalars['String']['output']>;
  /** Identifier. */
  id: Scalars['ID']['output'];
  /** The instruction x. */
  instruction: Instruction;
  /** Judgments of this pair, optionally of one iteration, in id order (first: 0 to 500). */
  judgments: JudgmentConnection;
  /** x': related to x but not the same. */
  modifiedInstruction?: Maybe<Scalars['String']['output']>;
  /** The generator's raw output for the modification prompt (kept for rejected pairs). */
  rawOutput?: Maybe<Scalars['String']['output']>;
  /** y_l: an answer to x' (the loser, for x). */
  rejected?: Maybe<Scalars['String']['output']>;
  /** Whether it can be judged. */
  status: PairStatus;
};


/** A synthetic preference pair: y_w answers x, y_l answers a modified x'. y_w beats y_l by construction. */
export type PairJudgmentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  iterationId?: InputMaybe<Scalars['ID']['input']>;
};

/** A page of pairs. */
export type PairConnection = {
  __typename?: 'PairConnection';
  /** The pairs of this page. */
  edges: Array<PairEdge>;
  /** Paging. */
  pageInfo: PageInfo;
  /** Pairs in the whole (filtered) list. */
  totalCount: Scalars['Int']['output'];
};

/** A pair with its cursor. */
export type PairEdge = {
  __typename?: 'PairEdge';
  /** Opaque cursor. */
  cursor: Scalars['String']['output'];
  /** The pair. */
  node: Pair;
};

/** Whether a pair can be judged. */
export type PairStatus =
  /** Both answers exist and the format parsed: judged by every iteration. */
  | 'READY'
  /** The generator's output broke the format, repeated x, or was empty or cut off (see `error` and `rawOutput`). */
  | 'REJECTED';

/** Read access. */
export type Query = {
  __typename?: 'Query';
  /** One benchmark. */
  benchmark?: Maybe<Benchmark>;
  /** Benchmarks, by name. */
  benchmarks: Array<Benchmark>;
  /** One evaluation; its results are partial while it runs. */
  evaluation?: Maybe<Evaluation>;
  /** How the verdicts of evaluation b differ from those of a, item by item (two evaluations of one benchmark). */
  evaluationDiff: EvaluationDiff;
  /** Evaluations of every benchmark and judge, newest first, filtered (first: 0 to 500). */
  evaluations: EvaluationConnection;
  /** One experiment. */
  experiment?: Maybe<Experiment>;
  /** Experiments, newest first (first: 0 to 500). */
  experiments: ExperimentConnection;
  /** One iteration. */
  iteration?: Maybe<Iteration>;
  /** One pair. */
  pair?: Maybe<Pair>;
  /** What this process runs on. */
  serviceInfo: ServiceInfo;
  /** One stage. */
  stage?: Maybe<Stage>;
};


/** Read access. */
export type QueryBenchmarkArgs = {
  id: Scalars['ID']['input'];
};


/** Read access. */
export type QueryEvaluationArgs = {
  id: Scalars['ID']['input'];
};


/** Read access. */
export type QueryEvaluationDiffArgs = {
  a: Scalars['ID']['input'];
  b: Scalars['ID']['input'];
};


/** Read access. */
export type QueryEvaluationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<EvaluationFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Read access. */
export type QueryExperimentArgs = {
  id: Scalars['ID']['input'];
};


/** Read access. */
export type QueryExperimentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Read access. */
export type QueryIterationArgs = {
  id: Scalars['ID']['input'];
};


/** Read access. */
export type QueryPairArgs = {
  id: Scalars['ID']['input'];
};


/** Read access. */
export type QueryStageArgs = {
  id: Scalars['ID']['input'];
};

/** RewardBench scores of the subsets' accuracies, by order. */
export type RewardBenchReport = {
  __typename?: 'RewardBenchReport';
  /** From the accuracies with the better answer first. */
  chosenFirst: RewardBenchScores;
  /** From the accuracies with the better answer second. */
  chosenSecond: RewardBenchScores;
  /** From each subset's mean accuracy over the orders. */
  mean: RewardBenchScores;
};

/** RewardBench section scores over the subsets present, with RewardBench's fixed subset weights; a section with no subset present is null. */
export type RewardBenchScores = {
  __typename?: 'RewardBenchScores';
  /** Chat. */
  chat?: Maybe<Scalars['Float']['output']>;
  /** Chat Hard (the five LLMBar subsets and mt-bench-hard). */
  chatHard?: Maybe<Scalars['Float']['output']>;
  /** Leaderboard average: sections at weight 1, Prior Sets at 0.5; null without Prior Sets. */
  leaderboard?: Maybe<Scalars['Float']['output']>;
  /** Plain mean of the sections present (the paper's Overall). */
  overall?: Maybe<Scalars['Float']['output']>;
  /** Prior Sets: plain mean of anthropic_helpful, anthropic_hhh, shp and summarize, when present. */
  priorSets?: Maybe<Scalars['Float']['output']>;
  /** Reasoning. */
  reasoning?: Maybe<Scalars['Float']['output']>;
  /** Safety. */
  safety?: Maybe<Scalars['Float']['output']>;
  /** Subsets that belong to no section (for example llmeval2). */
  unscoredSubsets: Array<Scalars['String']['output']>;
};

/** How judgments are selected for training. */
export type SelectionConfig = {
  __typename?: 'SelectionConfig';
  /** Balance the kept set so that A-wins and B-wins are equally many. Default true. */
  balance: Scalars['Boolean']['output'];
  /** Keep only pair/orders whose share of correct samples is at least this (0..1). Default 0. */
  minCorrectShare: Scalars['Float']['output'];
};

/** Selection options. */
export type SelectionConfigInput = {
  /** Balance A-wins and B-wins. Default true. */
  balance?: InputMaybe<Scalars['Boolean']['input']>;
  /** Minimum share of correct samples per pair and order (0..1). Default 0. */
  minCorrectShare?: InputMaybe<Scalars['Float']['input']>;
};

/** Health of the service. */
export type ServiceInfo = {
  __typename?: 'ServiceInfo';
  /** The database driver: postgres or pglite. */
  database: Scalars['String']['output'];
  /** The LLM endpoint's base URL (no key), or `simulator`. */
  endpoint: Scalars['String']['output'];
  /** This process's role. */
  role: Scalars['String']['output'];
  /** Package version. */
  version: Scalars['String']['output'];
};

/** A unit of background work: its progress and outcome. */
export type Stage = {
  __typename?: 'Stage';
  /** Completion tokens used. */
  completionTokens: Scalars['Float']['output'];
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Items finished (including failed ones). */
  done: Scalars['Int']['output'];
  /** Why it failed. */
  error?: Maybe<Scalars['String']['output']>;
  /** The evaluation, for EVALUATE. */
  evaluationId?: Maybe<Scalars['ID']['output']>;
  /** The experiment; null only for an EVALUATE stage of a model evaluated outside any experiment. */
  experimentId?: Maybe<Scalars['ID']['output']>;
  /** Items that failed after every retry. */
  failed: Scalars['Int']['output'];
  /** Items that failed after every retry (the first 100), with the error and attempts; resumeStage retries them. */
  failures: Array<StageFailure>;
  /** When it ended. */
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Identifier. */
  id: Scalars['ID']['output'];
  /** The iteration, for JUDGE, SELECT and TRAIN. */
  iterationId?: Maybe<Scalars['ID']['output']>;
  /** What it does. */
  kind: StageKind;
  /** Latest progress message (training events), or why the stage is PAUSED. */
  message?: Maybe<Scalars['String']['output']>;
  /** Prompt tokens used. */
  promptTokens: Scalars['Float']['output'];
  /** When a worker started it. */
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Counts the stage wrote (rejected pairs by reason, selection drops, verdicts...). */
  stats?: Maybe<Scalars['JSON']['output']>;
  /** Lifecycle. */
  status: StageStatus;
  /** Items to process. */
  total: Scalars['Int']['output'];
};

/** An item of a stage that failed after every retry. */
export type StageFailure = {
  __typename?: 'StageFailure';
  /** Attempts made, including retries. */
  attempts: Scalars['Int']['output'];
  /** The last error (never contains an API key). */
  error: Scalars['String']['output'];
  /** The item: an instruction id, or pairId:order. */
  itemKey: Scalars['String']['output'];
};

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

/** Live updates over graphql-ws on /graphql. */
export type Subscription = {
  __typename?: 'Subscription';
  /** An evaluation with its partial results as its verdicts are stored (throttled), then its final state; the stream then ends. Sends the current state first. */
  evaluationUpdated: Evaluation;
  /** Every judgment of the iteration as it is stored; with afterSeq, replays the stored ones after it first, with no gap and no duplicate. */
  judgmentAdded: Judgment;
  /** Status and progress of every stage of the experiment (throttled; the final state is always sent). */
  stageUpdated: Stage;
};


/** Live updates over graphql-ws on /graphql. */
export type SubscriptionEvaluationUpdatedArgs = {
  evaluationId: Scalars['ID']['input'];
};


/** Live updates over graphql-ws on /graphql. */
export type SubscriptionJudgmentAddedArgs = {
  afterSeq?: InputMaybe<Scalars['Int']['input']>;
  filter?: InputMaybe<JudgmentFilter>;
  iterationId: Scalars['ID']['input'];
  untilDone?: InputMaybe<Scalars['Boolean']['input']>;
};


/** Live updates over graphql-ws on /graphql. */
export type SubscriptionStageUpdatedArgs = {
  experimentId: Scalars['ID']['input'];
};

/** Which model each iteration fine-tunes. */
export type TrainFrom =
  /** The previous iteration's judge. */
  | 'PREVIOUS'
  /** The seed model at every iteration (the paper's choice). */
  | 'SEED';

/** Where fine-tuning happens. */
export type TrainingBackend =
  /** An external trainer (TRL, axolotl, torchtune): export the data, then call registerJudgeModel. */
  | 'EXTERNAL'
  /** Any host of OpenAI's files + fine-tuning API (OpenAI itself, or the built-in simulator). */
  | 'OPENAI';

/** Training options. */
export type TrainingConfig = {
  __typename?: 'TrainingConfig';
  /** Where fine-tuning happens. */
  backend: TrainingBackend;
  /** The model fine-tuned when `from` is SEED (default: the seed judge model). */
  baseModel: Scalars['String']['output'];
  /** Which model each iteration fine-tunes. */
  from: TrainFrom;
  /** Hyper-parameters passed to the fine-tuning API as given. */
  hyperparameters?: Maybe<Scalars['JSON']['output']>;
  /** Fine-tuning objective. */
  method: TrainingMethod;
};

/** Training options. */
export type TrainingConfigInput = {
  /** Default OPENAI. */
  backend?: InputMaybe<TrainingBackend>;
  /** Default: the seed judge model. */
  baseModel?: InputMaybe<Scalars['String']['input']>;
  /** Default SEED. */
  from?: InputMaybe<TrainFrom>;
  /** Passed to the fine-tuning API as given, for example {"n_epochs": 2}. */
  hyperparameters?: InputMaybe<Scalars['JSON']['input']>;
  /** Default SUPERVISED. */
  method?: InputMaybe<TrainingMethod>;
};

/** A fine-tuning job of an iteration. */
export type TrainingJob = {
  __typename?: 'TrainingJob';
  /** Where it runs. */
  backend: TrainingBackend;
  /** Model fine-tuned. */
  baseModel: Scalars['String']['output'];
  /** Error from the host. */
  error?: Maybe<Scalars['String']['output']>;
  /** Training examples exported. */
  examples: Scalars['Int']['output'];
  /** The fine-tuning job id at the host (OPENAI backend). */
  externalJobId?: Maybe<Scalars['String']['output']>;
  /** The uploaded file id (OPENAI backend). */
  fileId?: Maybe<Scalars['String']['output']>;
  /** The trained model, once known. */
  fineTunedModel?: Maybe<Scalars['String']['output']>;
  /** Identifier. */
  id: Scalars['ID']['output'];
  /** Latest event message from the host. */
  lastEvent?: Maybe<Scalars['String']['output']>;
  /** Objective. */
  method: TrainingMethod;
  /** The host's status (validating_files, running, succeeded, ...), or awaiting_model for EXTERNAL. */
  status: Scalars['String']['output'];
};

/** Fine-tuning objective. */
export type TrainingMethod =
  /** Preference optimisation: chosen = a correct judgment, rejected = an incorrect or unparseable one. */
  | 'DPO'
  /** Supervised fine-tuning on (judge prompt -> selected judgment), as in the paper. */
  | 'SUPERVISED';

/** Token usage of one judgment sample (of its share of the request). */
export type Usage = {
  __typename?: 'Usage';
  /** Completion tokens. */
  completionTokens: Scalars['Int']['output'];
  /** Prompt tokens. */
  promptTokens: Scalars['Int']['output'];
};

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
