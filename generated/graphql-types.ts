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

/** Agreement of a judge's votes with human votes: agreeing votes over votes compared. */
export type AgreementRate = {
  __typename?: 'AgreementRate';
  /** Human votes the judge's vote matches. */
  agree: Scalars['Int']['output'];
  /** Human votes compared. */
  total: Scalars['Int']['output'];
  /** agree / total; null when nothing was compared. */
  value?: Maybe<Scalars['Float']['output']>;
};

/** One mutation run by an operator or admin token, as recorded in the audit log. */
export type AuditEntry = {
  __typename?: 'AuditEntry';
  /** Who: the token's role and position in the configuration (`operator#2`), or `anonymous` when the server has no tokens. Never the token. */
  actor: Scalars['String']['output'];
  /** Its arguments, with file `content` and texts longer than 200 characters replaced by `[N characters]`. */
  arguments: Scalars['JSON']['output'];
  /** When it ran. */
  createdAt: Scalars['DateTime']['output'];
  /** Id of the entry. */
  id: Scalars['ID']['output'];
  /** The mutation field, e.g. `deleteExperiment`. */
  mutation: Scalars['String']['output'];
  /** `ok`, or the error code the caller got (`BAD_USER_INPUT`, `INTERNAL_SERVER_ERROR`, ...). */
  outcome: Scalars['String']['output'];
  /** The role of that token. */
  role: Scalars['String']['output'];
};

/** A page of the audit log. */
export type AuditEntryConnection = {
  __typename?: 'AuditEntryConnection';
  /** The entries of this page. */
  edges: Array<AuditEntryEdge>;
  /** Paging. */
  pageInfo: PageInfo;
};

/** An audit log entry with its cursor. */
export type AuditEntryEdge = {
  __typename?: 'AuditEntryEdge';
  /** Opaque cursor. */
  cursor: Scalars['String']['output'];
  /** The entry. */
  node: AuditEntry;
};

/** Where a BATCH stage sends again the requests of lines that failed or were left over by an expired batch. */
export type BatchRetry =
  /** In the job's next batch. */
  | 'NEXT_BATCH'
  /** As online requests. */
  | 'ONLINE';

/** A labeled pairwise benchmark: held out, never trained on. */
export type Benchmark = {
  __typename?: 'Benchmark';
  /** When it was imported. */
  createdAt: Scalars['DateTime']['output'];
  /** Evaluations run on it, newest first. */
  evaluations: Array<Evaluation>;
  /** The format it was imported from (rewardbench, llmbar, pairwise, helpsteer2 or mtbench_human). */
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
  /** HelpSteer2 rows (prompt, response, helpfulness, correctness, coherence, complexity, verbosity): the responses to one prompt are paired and the one with the higher helpfulness is the better answer; equal helpfulness makes no pair (those rows are reported in `skipped`). Subset `helpsteer2` unless `subset` is given. */
  | 'HELPSTEER2'
  /** LLMBar files (JSON array): input, output_1, output_2, label (1 or 2 names the better output); the subset argument names their subset. */
  | 'LLMBAR'
  /** MT-Bench human judgments (FastChat's mt_bench_human_judgments: question_id, model_a, model_b, winner, judge, conversation_a, conversation_b, turn): one item per question, model pair and turn, holding every expert vote (author votes are reported in `skipped`); subsets mt-bench-human-turn1 and mt-bench-human-turn2. Scored by `Evaluation.humanAgreement`. */
  | 'MTBENCH_HUMAN'
  /** Any pairwise JSONL, JSON array or Parquet file whose field names are given by a mapping. */
  | 'PAIRWISE'
  /** RewardBench rows (JSONL, or Parquet as published: the `filtered` split and the prior preference sets): prompt, chosen, rejected, subset, id. */
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
  /** 1-based line (JSONL), item (JSON array) or row (Parquet) number in its file. */
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

/** How CATEGORIZE asks for an instruction's category. */
export type CategorizeStyle =
  /** The answer line alone: Category: <name>. */
  | 'ONE_LINE'
  /** The paper's style: judged by the kind of work asked for, brief reasoning allowed, then a final Category: <name> line (the last one is read). */
  | 'PAPER';

/** A named endpoint of the server's configuration (its key is never shown). */
export type ConfiguredEndpoint = {
  __typename?: 'ConfiguredEndpoint';
  /** Base URL without credentials or query values, or `simulator`. */
  baseUrl: Scalars['String']['output'];
  /** Requests in flight at most, per process. */
  concurrency: Scalars['Int']['output'];
  /** Trained adapters are loaded here with load_lora_adapter. */
  loraAdapters: Scalars['Boolean']['output'];
  /** How the completion limit is sent: auto, max_tokens or max_completion_tokens. */
  maxTokensParam: Scalars['String']['output'];
  /** The name experiments use. */
  name: Scalars['String']['output'];
  /** Requests per minute; 0: no limit. */
  requestsPerMinute: Scalars['Int']['output'];
  /** Tokens per minute; 0: no limit. */
  tokensPerMinute: Scalars['Int']['output'];
  /** With loraAdapters: adapters no longer in use (superseded, not the best judge, not in a running evaluation) are unloaded with unload_lora_adapter. */
  unloadLoraAdapters: Scalars['Boolean']['output'];
};

/** A price of the server's price table: USD per million tokens of a model on a named endpoint. */
export type ConfiguredPrice = {
  __typename?: 'ConfiguredPrice';
  /** Fraction taken off batch (Batch API) usage, 0 to 1. */
  batchDiscount: Scalars['String']['output'];
  /** The named endpoint. */
  endpoint: Scalars['String']['output'];
  /** USD per million prompt tokens (exact decimal). */
  inputPerMillion: Scalars['String']['output'];
  /** The model, or * for the endpoint's other models. */
  model: Scalars['String']['output'];
  /** USD per million completion tokens (exact decimal). */
  outputPerMillion: Scalars['String']['output'];
};

/** A named trainer of the server's configuration (its command is never shown). */
export type ConfiguredTrainer = {
  __typename?: 'ConfiguredTrainer';
  /** The hyper-parameter keys it accepts. */
  hyperparameters: Array<Scalars['String']['output']>;
  /** The name experiments use (config.training.trainer). */
  name: Scalars['String']['output'];
  /** A run longer than this is stopped. */
  timeoutSeconds: Scalars['Int']['output'];
  /** COMMAND. */
  type: Scalars['String']['output'];
};

/** How an uploaded file's content is sent. */
export type ContentEncoding =
  /** The file's bytes in base64: needed for Parquet (binary); also accepted for JSONL and JSON. */
  | 'BASE64'
  /** The file's text as it is (JSONL or a JSON array). */
  | 'TEXT';

/** DPO as the released Self-Taught Evaluator recipe prepares it: items (pair, order) with a correct judgment and a negative (wrong, tie or unparseable), balanced A-wins / B-wins among those, each giving up to numPairs distinct (correct, negative) combinations. beta and nllScale are exported at /exports/iterations/{id}/dpo-config.jsonl for the trainer (the OPENAI backend sends beta unless hyperparameters name one). */
export type DpoConfig = {
  __typename?: 'DpoConfig';
  /** DPO beta the trainer should use. */
  beta: Scalars['Float']['output'];
  /** Extra samples drawn for a pair and order with a correct judgment but no negative; null when off. */
  extraNegatives?: Maybe<ExtraNegatives>;
  /** Weight of the NLL term on the chosen judgment (0: plain DPO). */
  nllScale: Scalars['Float']['output'];
  /** Distinct (correct, negative) judgment combinations per pair and order. */
  numPairs: Scalars['Int']['output'];
};

/** DPO settings; anything left out takes the default. */
export type DpoConfigInput = {
  /** Above 0, at most 10. Default 0.1 (the released DPO stage). */
  beta?: InputMaybe<Scalars['Float']['input']>;
  /** With method DPO: draw extra samples at a higher temperature for a pair and order that has no negative. Default off. */
  extraNegatives?: InputMaybe<ExtraNegativesInput>;
  /** 0 to 100. Default 1.5 (the released DPO stage). */
  nllScale?: InputMaybe<Scalars['Float']['input']>;
  /** 1 to 64. Default 1 (the released script's default). */
  numPairs?: InputMaybe<Scalars['Int']['input']>;
};

/** The named endpoint (from the server's configuration; `default` is OPENAI_BASE_URL or the simulator) serving each role of an experiment. */
export type EndpointRoles = {
  __typename?: 'EndpointRoles';
  /** Answers, modified instructions and categories. */
  generator: Scalars['String']['output'];
  /** The seed judge. */
  judge: Scalars['String']['output'];
  /** The trained judges (and, with the OPENAI backend, where fine-tuning runs). */
  trained: Scalars['String']['output'];
};

/** Endpoint names for an experiment's roles; each left out is `default`. Only names the server configures are accepted (never a URL). */
export type EndpointRolesInput = {
  /** Endpoint of the generator. Default `default`. */
  generator?: InputMaybe<Scalars['String']['input']>;
  /** Endpoint of the seed judge. Default `default`. */
  judge?: InputMaybe<Scalars['String']['input']>;
  /** Endpoint of the trained judges. Default `default`. */
  trained?: InputMaybe<Scalars['String']['input']>;
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
  /** Agreement with the human votes of an MTBENCH_HUMAN benchmark, as the MT-Bench paper computes it; null for other benchmarks. */
  humanAgreement?: Maybe<HumanAgreement>;
  /** Identifier. */
  id: Scalars['ID']['output'];
  /** Its items with both orders' verdicts, every sample's reasoning and the item's texts, paged by item id (verdicts stored so far while it runs). */
  items: EvaluationItemConnection;
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


/** A judge scored on a benchmark. Its results are stored when its stage finishes, and computed from the verdicts stored so far while it runs. */
export type EvaluationItemsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<EvaluationItemFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
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
  /** Every item in both evaluations, STILL_RIGHT too, paged by item id; `changes` keeps only those changes, `subset` only that subset's items. */
  itemPage: EvaluationDiffItemConnection;
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


/** Item by item, how evaluation b's verdicts differ from a's (two evaluations of one benchmark; only items in both are compared). */
export type EvaluationDiffItemPageArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  changes?: InputMaybe<Array<ItemChange>>;
  first?: InputMaybe<Scalars['Int']['input']>;
  subset?: InputMaybe<Scalars['String']['input']>;
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

/** A page of a diff's items. */
export type EvaluationDiffItemConnection = {
  __typename?: 'EvaluationDiffItemConnection';
  /** The items of this page. */
  edges: Array<EvaluationDiffItemEdge>;
  /** Paging. */
  pageInfo: PageInfo;
  /** Items matching, over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** A diff item with its cursor. */
export type EvaluationDiffItemEdge = {
  __typename?: 'EvaluationDiffItemEdge';
  /** Opaque cursor. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: EvaluationDiffItem;
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

/** One item of an evaluation with its verdicts. */
export type EvaluationItem = {
  __typename?: 'EvaluationItem';
  /** How it changed from filter.against; null without it, or when against did not judge it. */
  change?: Maybe<ItemChange>;
  /** With the better answer shown first; null when not judged in that order. */
  chosenFirst?: Maybe<OrderVerdicts>;
  /** With the better answer shown second. */
  chosenSecond?: Maybe<OrderVerdicts>;
  /** The benchmark item (its texts). */
  item: BenchmarkItem;
  /** Correct in every order judged. */
  right: Scalars['Boolean']['output'];
  /** Mean score over the orders judged. */
  score: Scalars['Float']['output'];
};

/** A page of an evaluation's items. */
export type EvaluationItemConnection = {
  __typename?: 'EvaluationItemConnection';
  /** The items of this page. */
  edges: Array<EvaluationItemEdge>;
  /** Paging. */
  pageInfo: PageInfo;
  /** Items matching the filter, over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An evaluation item with its cursor. */
export type EvaluationItemEdge = {
  __typename?: 'EvaluationItemEdge';
  /** Opaque cursor. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: EvaluationItem;
};

/** Which items of an evaluation to list. */
export type EvaluationItemFilter = {
  /** An evaluation of the same benchmark (the earlier judge) that changes are measured from. */
  against?: InputMaybe<Scalars['ID']['input']>;
  /** Only items with this change from `against` (which it needs). */
  change?: InputMaybe<ItemChange>;
  /** Only this benchmark item (an item the evaluation has not judged gives an empty page). */
  itemId?: InputMaybe<Scalars['ID']['input']>;
  /** Only items right (true) or not right (false) in every order judged. */
  right?: InputMaybe<Scalars['Boolean']['input']>;
  /** Only this subset. */
  subset?: InputMaybe<Scalars['String']['input']>;
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

/** How a stage calls its endpoint. */
export type Execution =
  /** Requests collected into OpenAI Batch API batches (JSONL files, /v1/batches, 24 h window), polled by the worker: about half the price, results within the window. */
  | 'BATCH'
  /** Each request sent as its own call, many at once: results in minutes. */
  | 'ONLINE';

/** One run of the Self-Taught Evaluator loop: its instructions, pairs and iterations. */
export type Experiment = {
  __typename?: 'Experiment';
  /** The best judge on the validation benchmarks (runLoop's evaluateOn): highest accuracy, ties by position consistency; null without validation benchmarks or evaluations. */
  bestIteration?: Maybe<ValidatedJudge>;
  /** Options fixed at creation. */
  config: ExperimentConfig;
  /** What every stage of the experiment cost, priced with the server's price table; null when some usage has no price (see unpricedModels). */
  cost?: Maybe<Money>;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Identifier. */
  id: Scalars['ID']['output'];
  /** Number of instructions imported. */
  instructionCount: Scalars['Int']['output'];
  /** Instructions in import order (first: 0 to 500); `search`: only those containing every word (full-text, as JudgmentFilter.search). */
  instructions: InstructionConnection;
  /** Iterations in order of index. */
  iterations: Array<Iteration>;
  /** The unattended loop started by runLoop, if any. */
  loop?: Maybe<LoopState>;
  /** Human name. */
  name: Scalars['String']['output'];
  /** Pairs in creation order (first: 0 to 500); `search`: only those whose instruction (x) contains every word (full-text, as JudgmentFilter.search). */
  pairs: PairConnection;
  /** Evaluations of the seed judge (M_1), newest first: the baseline each iteration's evaluations compare with. */
  seedEvaluations: Array<Evaluation>;
  /** Every stage of the experiment, newest first. */
  stages: Array<Stage>;
  /** The endpoint/model pairs of its usage with no price in the table (empty when cost is known). */
  unpricedModels: Array<Scalars['String']['output']>;
  /** Every judge of the loop with a finished validation, in loop order (the seed first). */
  validatedJudges: Array<ValidatedJudge>;
};


/** One run of the Self-Taught Evaluator loop: its instructions, pairs and iterations. */
export type ExperimentInstructionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
};


/** One run of the Self-Taught Evaluator loop: its instructions, pairs and iterations. */
export type ExperimentPairsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<PairStatus>;
};

/** Everything that decides how an experiment runs. Fixed at creation. */
export type ExperimentConfig = {
  __typename?: 'ExperimentConfig';
  /** System prompt sent with the y_w request; null (the default, as in the paper) sends the instruction alone. */
  answerSystemPrompt?: Maybe<Scalars['String']['output']>;
  /** BATCH: where the requests of failed or expired lines go. */
  batchRetry: BatchRetry;
  /** Categories offered to CATEGORIZE. */
  categories: Array<Scalars['String']['output']>;
  /** Completion cap of a categoriser answer (default 1024: room for reasoning models); a cut-off answer is a failed item. */
  categorizeMaxTokens: Scalars['Int']['output'];
  /** How the categoriser is asked: ONE_LINE (default) or PAPER (the paper's style, with a final Category line). */
  categorizeStyle: CategorizeStyle;
  /** The named endpoint of each role. */
  endpoints: EndpointRoles;
  /** How GENERATE_PAIRS, JUDGE and EVALUATE call their endpoint: ONLINE (request by request) or BATCH (the Batch API). */
  execution: Execution;
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
  /** Money budget in USD for the whole experiment, priced with the server's price table; null for none. */
  moneyBudget?: Maybe<Scalars['Float']['output']>;
  /** How y_l is made: MODIFIED_INSTRUCTION (the paper) or WORSE_REWRITE (its weaker ablation). */
  pairConstruction: PairConstruction;
  /** Checks a parsed pair must pass; a pair that fails one is REJECTED with the measured value. */
  pairFilters: PairFilters;
  /** The preset the experiment was created with, if any (its values are the defaults the other fields took). */
  preset?: Maybe<ExperimentPreset>;
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
  /** Default none: y_w is asked for with the instruction alone. At most 20000 characters. */
  answerSystemPrompt?: InputMaybe<Scalars['String']['input']>;
  /** Default NEXT_BATCH. */
  batchRetry?: InputMaybe<BatchRetry>;
  /** Default: reasoning, coding, math, writing, knowledge, roleplay, extraction, other. */
  categories?: InputMaybe<Array<Scalars['String']['input']>>;
  /** 1 to 32768. Default 1024. */
  categorizeMaxTokens?: InputMaybe<Scalars['Int']['input']>;
  /** Default ONE_LINE (PAPER with preset PAPER). */
  categorizeStyle?: InputMaybe<CategorizeStyle>;
  /** Named endpoints per role; default `default` for each. */
  endpoints?: InputMaybe<EndpointRolesInput>;
  /** Default ONLINE. BATCH needs an endpoint with the Batch API (/v1/batches): checked when a stage starts. */
  execution?: InputMaybe<Execution>;
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
  /** Money budget in USD (at most 6 decimals); null for none. Stages pause when it is reached, or when a model they use has no price. */
  moneyBudget?: InputMaybe<Scalars['Float']['input']>;
  /** Default MODIFIED_INSTRUCTION (the paper's construction). */
  pairConstruction?: InputMaybe<PairConstruction>;
  /** Default: see PairFilters. */
  pairFilters?: InputMaybe<PairFiltersInput>;
  /** Default none. PAPER fills in the paper's values for every field left out (see ExperimentPreset). */
  preset?: InputMaybe<ExperimentPreset>;
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

/** Named sets of defaults for createExperiment; a field sent explicitly still wins. */
export type ExperimentPreset =
  /** The paper's values: samplesPerOrder 15, temperature 0.7, topP 0.9, maxTokens 4096, training from the seed each iteration, categories in the paper's style with keepCategories [reasoning], categorizeStyle PAPER. */
  | 'PAPER';

/** The released recipe's extra negatives: when a pair in one order has a correct judgment and no negative among its samples, JUDGE draws more at a higher temperature and keeps only those that are not correct (numbered after the ordinary samples; they count in the iteration's judgment counters and in selection.minCorrectShare). */
export type ExtraNegatives = {
  __typename?: 'ExtraNegatives';
  /** Samples drawn. */
  samples: Scalars['Int']['output'];
  /** Their temperature. */
  temperature: Scalars['Float']['output'];
};

/** Extra negatives for DPO. */
export type ExtraNegativesInput = {
  /** 1 to 64. Default 4. */
  samples?: InputMaybe<Scalars['Int']['input']>;
  /** Above 0, at most 2. Default 1. */
  temperature?: InputMaybe<Scalars['Float']['input']>;
};

/** Agreement with humans on MT-Bench (FastChat compute_agreement.py): the judge's vote for a pair is the model that wins in both orders, else a tie (with k > 1, each order's majority verdict), compared with every expert vote on the pair. */
export type HumanAgreement = {
  __typename?: 'HumanAgreement';
  /** Both turns together. */
  all: TurnAgreement;
  /** Human votes on those pairs. */
  humanVotes: Scalars['Int']['output'];
  /** Pairs (question, two models, turn) with a judge vote. */
  pairs: Scalars['Int']['output'];
  /** First turn. */
  turn1: TurnAgreement;
  /** Second turn (the follow-up question). */
  turn2: TurnAgreement;
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
  /** Rows left out: a bundled benchmark's known bad rows, or an upload's bad rows with skipBadRows (without it, an upload with a bad row stores nothing and fails instead). */
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

/** One judge sample of an evaluation item. */
export type ItemVerdict = {
  __typename?: 'ItemVerdict';
  /** The judge's full output. */
  reasoning: Scalars['String']['output'];
  /** Sample number (0-based). */
  sample: Scalars['Int']['output'];
  /** The verdict read from it. */
  verdict: Verdict;
};

/** Iteration t: judge M_t labels the pairs, selection keeps correct judgments, training produces M_{t+1}. */
export type Iteration = {
  __typename?: 'Iteration';
  /** What the iteration's stages cost; null when some usage has no price (see unpricedModels). */
  cost?: Maybe<Money>;
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
  /** The fine-tuning job of the latest training stage that has started, once TRAIN has started. */
  trainingJob?: Maybe<TrainingJob>;
  /** Every training stage's job so far, in stage order (one with a single training stage). */
  trainingJobs: Array<TrainingJob>;
  /** The endpoint/model pairs of its usage with no price in the table. */
  unpricedModels: Array<Scalars['String']['output']>;
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
  /** Regular expression whose match means A is better, for example `Output \(a\)`. JavaScript syntax without backreferences and lookaround, matched in linear time; at most 500 characters. */
  verdictA: Scalars['String']['input'];
  /** Regular expression whose match means B is better (same syntax as verdictA). */
  verdictB: Scalars['String']['input'];
  /** Optional regular expression for an explicit tie (same syntax as verdictA). */
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
  /** Only judgments whose reasoning or whose pair's instruction (x) contains every one of these words: PostgreSQL full-text search with the `english` configuration (word stems match: "cats" finds "cat"; stop words such as "the" are ignored), the same on PostgreSQL and PGlite. 1 to 200 characters with at least one searchable word. */
  search?: InputMaybe<Scalars['String']['input']>;
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
  /** Why the loop stopped before targetIteration (the gain and its interval), when its stopping rule stopped it. */
  stopReason?: Maybe<Scalars['String']['output']>;
  /** The iteration index the loop runs to. */
  targetIteration: Scalars['Int']['output'];
  /** runLoop's untilNoGain: the loop stops after this many trained judges in a row without a gain on evaluateOn; null: it runs to targetIteration. */
  untilNoGain?: Maybe<Scalars['Int']['output']>;
};

/** A LoRA adapter the service loaded on an endpoint (vLLM's /v1/load_lora_adapter). */
export type LoraAdapter = {
  __typename?: 'LoraAdapter';
  /** The named endpoint (STE_CONFIG) serving it. */
  endpoint: Scalars['String']['output'];
  /** False once the service unloaded it as no longer in use (unloadLoraAdapters, the default): the model is then not served until loaded again by hand. */
  loaded: Scalars['Boolean']['output'];
  /** When it was unloaded (or found already gone from the server, e.g. after a restart); null while loaded. */
  unloadedAt?: Maybe<Scalars['DateTime']['output']>;
};

/** An amount of money. `amount` is exact (decimal text, no rounding); `value` is the same as a float. */
export type Money = {
  __typename?: 'Money';
  /** Exact decimal amount, e.g. "0.0375". */
  amount: Scalars['String']['output'];
  /** ISO 4217 code; always USD. */
  currency: Scalars['String']['output'];
  /** The amount as a float (may round). */
  value: Scalars['Float']['output'];
};

/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type Mutation = {
  __typename?: 'Mutation';
  /** Stops a stage's new calls; it ends CANCELLED and can be resumed. */
  cancelStage: Stage;
  /** Labels each instruction without a category with one of the experiment's categories. */
  categorizeInstructions: Stage;
  /** A WEBHOOK trainer reports its model with the token its job carried: stored only while the job waits for a report, before its deadline; a wrong token is FORBIDDEN, a second report a CONFLICT, and nothing is stored. The worker holding the TRAIN stage then completes it. */
  completeTraining: Iteration;
  /** Creates an experiment; options not given take their defaults. */
  createExperiment: Experiment;
  /** Deletes an experiment with everything it holds (instructions, pairs, iterations, judgments, stages); admin only. Refused while a stage of it is active or its loop runs. Returns the id deleted. */
  deleteExperiment: Scalars['ID']['output'];
  /** Scores a judge on a benchmark in the background (an EVALUATE stage); returns at once. Name exactly one judge: iterationId, experimentId or model. */
  evaluateJudge: Evaluation;
  /** Generates y_w, x' and y_l for every usable instruction that has no pair yet. */
  generatePairs: Stage;
  /** Imports a labeled benchmark from file content (JSONL, a JSON array, or Parquet sent as BASE64) in one transaction: by default a file with any rejected row stores nothing (the BAD_USER_INPUT error lists every position and reason, also in extensions.rejected, with extensions.unit line, item or row); with skipBadRows the good rows are stored and the bad ones returned in `skipped`. Flags instructions with the same text so they never enter training. */
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
  /** Sets the experiment's money budget in USD (null: none), priced with the server's price table. Stages paused by it resume once it is no longer reached; a budget below what is spent pauses running stages. */
  setMoneyBudget: Experiment;
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
export type MutationCompleteTrainingArgs = {
  iterationId: Scalars['ID']['input'];
  model: Scalars['String']['input'];
  token: Scalars['String']['input'];
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
  execution?: InputMaybe<Execution>;
  experimentId: Scalars['ID']['input'];
};


/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type MutationImportBenchmarkArgs = {
  content: Scalars['String']['input'];
  encoding?: InputMaybe<ContentEncoding>;
  format: BenchmarkFormat;
  mapping?: InputMaybe<BenchmarkMappingInput>;
  name: Scalars['String']['input'];
  skipBadRows?: InputMaybe<Scalars['Boolean']['input']>;
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
  execution?: InputMaybe<Execution>;
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
  untilNoGain?: InputMaybe<Scalars['Int']['input']>;
};


/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type MutationSelectJudgmentsArgs = {
  iterationId: Scalars['ID']['input'];
};


/** Commands. Stage mutations return the Stage at once; the work runs in the background. */
export type MutationSetMoneyBudgetArgs = {
  experimentId: Scalars['ID']['input'];
  moneyBudget?: InputMaybe<Scalars['Float']['input']>;
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

/** An evaluation item's verdicts in one order. */
export type OrderVerdicts = {
  __typename?: 'OrderVerdicts';
  /** Every sample, by sample number. */
  samples: Array<ItemVerdict>;
  /** Its score: 1 correct, 0 wrong, 0.5 tie or unparseable. */
  score: Scalars['Float']['output'];
  /** The order's verdict (the majority of its samples when k > 1). */
  verdict: Verdict;
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
  /** How y_l was made (MODIFIED_INSTRUCTION or WORSE_REWRITE); null for pairs made before this was recorded. */
  construction?: Maybe<PairConstruction>;
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
  /** Version of the prompt that made y_l, e.g. modified-instruction/v2; null for pairs made before this was recorded. */
  promptVersion?: Maybe<Scalars['String']['output']>;
  /** The generator's raw output for the y_l prompt (kept for rejected pairs). */
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

/** How GENERATE_PAIRS makes y_l after y_w. Both prompts show the model x and y_w. */
export type PairConstruction =
  /** The paper's: a modified instruction x' (highly relevant to x, not the same) and a good answer to x' that is not a good answer to x. */
  | 'MODIFIED_INSTRUCTION'
  /** Ablation (weaker in the paper, 80.7 vs 83.8 on RewardBench): a deliberately worse rewrite of y_w for x. */
  | 'WORSE_REWRITE';

/** A pair with its cursor. */
export type PairEdge = {
  __typename?: 'PairEdge';
  /** Opaque cursor. */
  cursor: Scalars['String']['output'];
  /** The pair. */
  node: Pair;
};

/** Filters on contrasting pairs. Set a maximum to 1 (or the minimum ratio to 0) to turn a check off. */
export type PairFilters = {
  __typename?: 'PairFilters';
  /** Reject when the word-bigram overlap (Dice) of y_l and y_w is above this. Default 0.9. */
  maxAnswerSimilarity: Scalars['Float']['output'];
  /** Reject when the word-level similarity of x' and x (1 - edit distance / longer length) is above this. Default 0.99. */
  maxInstructionSimilarity: Scalars['Float']['output'];
  /** Reject when length(y_l) / length(y_w) is above this. Default 5. */
  maxLengthRatio: Scalars['Float']['output'];
  /** Reject when length(y_l) / length(y_w), in characters, is below this. Default 0.2. */
  minLengthRatio: Scalars['Float']['output'];
};

/** Filters on contrasting pairs; anything left out takes the default shown on PairFilters. */
export type PairFiltersInput = {
  /** 0 to 1. Default 0.9. */
  maxAnswerSimilarity?: InputMaybe<Scalars['Float']['input']>;
  /** 0 to 1. Default 0.99. */
  maxInstructionSimilarity?: InputMaybe<Scalars['Float']['input']>;
  /** Above 0, at most 1000. Default 5. */
  maxLengthRatio?: InputMaybe<Scalars['Float']['input']>;
  /** 0 to 1000. Default 0.2. */
  minLengthRatio?: InputMaybe<Scalars['Float']['input']>;
};

/** Whether a pair can be judged. */
export type PairStatus =
  /** Both answers exist and the format parsed: judged by every iteration. */
  | 'READY'
  /** The generator's output broke the format, repeated x, or was empty or cut off (see `error` and `rawOutput`). */
  | 'REJECTED';

/** A Batch API batch a stage submitted (execution BATCH). */
export type ProviderBatch = {
  __typename?: 'ProviderBatch';
  /** The provider's batch id (null while its input file is uploaded). */
  batchId?: Maybe<Scalars['String']['output']>;
  /** When it was recorded. */
  createdAt: Scalars['DateTime']['output'];
  /** The named endpoint it was sent to. */
  endpoint: Scalars['String']['output'];
  /** The provider's error file (failed and expired lines), once the batch ended. */
  errorFileId?: Maybe<Scalars['String']['output']>;
  /** The uploaded input file (JSONL, purpose batch). */
  inputFileId?: Maybe<Scalars['String']['output']>;
  /** Request lines in it. */
  lines: Scalars['Int']['output'];
  /** The provider's output file, once the batch ended. */
  outputFileId?: Maybe<Scalars['String']['output']>;
  /** A round larger than the endpoint's limits is split into parts. */
  part: Scalars['Int']['output'];
  /** 0 for a job's first batch; later rounds send re-tried lines and requests that follow from answers. */
  round: Scalars['Int']['output'];
  /** uploading, the provider's last status seen (validating, in_progress, finalizing, completed, expired, cancelling, cancelled, failed), or lost (the provider answered 404). */
  status: Scalars['String']['output'];
  /** When its status last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

/** Read access. */
export type Query = {
  __typename?: 'Query';
  /** Mutations run by operator and admin tokens, newest first (who, what, when, arguments without file contents, outcome). Admin tokens only. */
  auditLog: AuditEntryConnection;
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
  /** Admin only: the endpoints and trainers the server's configuration file names (what experiments may refer to), never keys or commands. */
  serverConfiguration: ServerConfiguration;
  /** What this process runs on. */
  serviceInfo: ServiceInfo;
  /** One stage. */
  stage?: Maybe<Stage>;
};


/** Read access. */
export type QueryAuditLogArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
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
  /** With k > 1: the same section scores from the per-order majority verdicts; null with k = 1. */
  majorityVote?: Maybe<RewardBenchReport>;
  /** From each subset's mean accuracy over the orders. */
  mean: RewardBenchScores;
  /** How the accuracies were scored (ONE_VERDICT or PER_SAMPLE here; MAJORITY_VOTE in `majorityVote`). */
  scoring: RewardBenchScoring;
};

/** RewardBench section scores over the subsets present, with RewardBench's fixed subset weights; a section with no subset present is null. */
export type RewardBenchScores = {
  __typename?: 'RewardBenchScores';
  /** Chat. */
  chat?: Maybe<Scalars['Float']['output']>;
  /** Chat Hard (the five LLMBar subsets and mt-bench-hard). */
  chatHard?: Maybe<Scalars['Float']['output']>;
  /** True when all four sections are present, so `overall` is comparable with a published Overall. */
  complete: Scalars['Boolean']['output'];
  /** What the headline figure is: `overall`, `partial (Chat Hard)` naming the sections averaged, or `none`. */
  label: Scalars['String']['output'];
  /** Leaderboard average: sections at weight 1, Prior Sets at 0.5; null unless all four sections and Prior Sets are present. */
  leaderboard?: Maybe<Scalars['Float']['output']>;
  /** Plain mean of the four sections (the paper's Overall); null unless all four are present (see `label` and `partialMean`). */
  overall?: Maybe<Scalars['Float']['output']>;
  /** Mean of the sections present when one to three are: partial, not an Overall; null otherwise. */
  partialMean?: Maybe<Scalars['Float']['output']>;
  /** Prior Sets: plain mean of anthropic_helpful, anthropic_hhh, shp and summarize, when present. */
  priorSets?: Maybe<Scalars['Float']['output']>;
  /** Reasoning. */
  reasoning?: Maybe<Scalars['Float']['output']>;
  /** Safety. */
  safety?: Maybe<Scalars['Float']['output']>;
  /** Titles of the sections present (Chat, Chat Hard, Safety, Reasoning), which `overall` or `partialMean` averages. */
  sectionsAveraged: Array<Scalars['String']['output']>;
  /** Subsets that belong to no section (for example llmeval2). */
  unscoredSubsets: Array<Scalars['String']['output']>;
};

/** How the accuracies behind RewardBench section scores were scored. */
export type RewardBenchScoring =
  /** k > 1: each order's majority verdict (the paper's majority-vote figure). */
  | 'MAJORITY_VOTE'
  /** One sample per order (k = 1): its verdict. */
  | 'ONE_VERDICT'
  /** k > 1: every sample scored on its own (the expected accuracy of one sampled judgment). */
  | 'PER_SAMPLE';

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

/** The names an experiment may use: endpoints (config.endpoints) and trainers (config.training.trainer). */
export type ServerConfiguration = {
  __typename?: 'ServerConfiguration';
  /** Named endpoints; `default` is OPENAI_BASE_URL or the simulator. */
  endpoints: Array<ConfiguredEndpoint>;
  /** The price table (STE_CONFIG prices or STE_PRICES); empty: costs are unknown. */
  prices: Array<ConfiguredPrice>;
  /** Named trainers of the COMMAND backend. */
  trainers: Array<ConfiguredTrainer>;
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
  /** What the stage cost: its tokens per endpoint, model and execution times the price table (batch usage with its discount); null when some usage has no price (see unpricedModels). */
  cost?: Maybe<Money>;
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
  /** Output of the stage's child process (a COMMAND trainer's stdout and stderr), oldest first: the last `last` lines (default 100, at most 1000), or with `afterId` the lines after that one (poll with the last id seen). */
  log: Array<StageLogLine>;
  /** Latest progress message (training events), or why the stage is PAUSED. */
  message?: Maybe<Scalars['String']['output']>;
  /** Prompt tokens used. */
  promptTokens: Scalars['Float']['output'];
  /** Execution BATCH: the Batch API batches the stage submitted, oldest first (empty for ONLINE stages). */
  providerBatches: Array<ProviderBatch>;
  /** When a worker started it. */
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Counts the stage wrote (rejected pairs by reason, selection drops, verdicts...). */
  stats?: Maybe<Scalars['JSON']['output']>;
  /** Lifecycle. */
  status: StageStatus;
  /** Items to process. */
  total: Scalars['Int']['output'];
  /** The endpoint/model pairs of its usage with no price in the table. */
  unpricedModels: Array<Scalars['String']['output']>;
};


/** A unit of background work: its progress and outcome. */
export type StageLogArgs = {
  afterId?: InputMaybe<Scalars['ID']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
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

/** A line written by a stage's child process. */
export type StageLogLine = {
  __typename?: 'StageLogLine';
  /** When it was stored. */
  at: Scalars['DateTime']['output'];
  /** Increasing within the stage: pass the last one seen as `afterId` to read on. */
  id: Scalars['ID']['output'];
  /** The line (cut at 2,000 characters). */
  line: Scalars['String']['output'];
  /** stdout or stderr. */
  stream: Scalars['String']['output'];
};

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
  /** Every iteration of the experiment as it is created or changes status (AWAITING_MODEL included: automation learns that an iteration waits for its model), from now on; changes close together may arrive as one message with the latest state. */
  iterationUpdated: Iteration;
  /** Every judgment of the iteration as it is stored; with afterSeq, replays the stored ones after it first, with no gap and no duplicate. */
  judgmentAdded: Judgment;
  /** A stage's log (a COMMAND trainer's stdout and stderr) line by line as it is stored, in order, with no gap and no duplicate; the stream completes once the stage has ended and every line stored by then was sent (at once for a stage that has ended). */
  stageLogAppended: StageLogLine;
  /** Status and progress of every stage of the experiment (throttled; the final state is always sent). */
  stageUpdated: Stage;
};


/** Live updates over graphql-ws on /graphql. */
export type SubscriptionEvaluationUpdatedArgs = {
  evaluationId: Scalars['ID']['input'];
};


/** Live updates over graphql-ws on /graphql. */
export type SubscriptionIterationUpdatedArgs = {
  experimentId: Scalars['ID']['input'];
};


/** Live updates over graphql-ws on /graphql. */
export type SubscriptionJudgmentAddedArgs = {
  afterSeq?: InputMaybe<Scalars['Int']['input']>;
  filter?: InputMaybe<JudgmentFilter>;
  iterationId: Scalars['ID']['input'];
  untilDone?: InputMaybe<Scalars['Boolean']['input']>;
};


/** Live updates over graphql-ws on /graphql. */
export type SubscriptionStageLogAppendedArgs = {
  afterId?: InputMaybe<Scalars['ID']['input']>;
  stageId: Scalars['ID']['input'];
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
  /** A trainer command named in the server's configuration file (STE_CONFIG), run by a worker as a child process; it writes result.json with the served model's name. */
  | 'COMMAND'
  /** An external trainer (TRL, axolotl, torchtune): export the data, then call registerJudgeModel. */
  | 'EXTERNAL'
  /** Any host of OpenAI's files + fine-tuning API (OpenAI itself, or the built-in simulator). */
  | 'OPENAI'
  /** A trainer reached by a signed webhook named in the server's configuration file; it downloads the training file with a token and reports the model with completeTraining or a signed callback. */
  | 'WEBHOOK';

/** Training options. */
export type TrainingConfig = {
  __typename?: 'TrainingConfig';
  /** Where fine-tuning happens. */
  backend: TrainingBackend;
  /** The model fine-tuned when `from` is SEED (default: the seed judge model). */
  baseModel: Scalars['String']['output'];
  /** DPO data and loss settings (used when method is DPO); null for experiments created before they existed (the defaults then apply). */
  dpo?: Maybe<DpoConfig>;
  /** Which model each iteration's first training stage fine-tunes. */
  from: TrainFrom;
  /** Hyper-parameters passed to the backend: OPENAI passes n_epochs, batch_size, learning_rate_multiplier and beta; COMMAND passes the keys its trainer lists in the server's configuration file, as the JSON of {hyperparameters}; EXTERNAL passes none. Any other key is refused at createExperiment. */
  hyperparameters?: Maybe<Scalars['JSON']['output']>;
  /** Fine-tuning objective: the last of `stages` (the one the trained judge comes out of). */
  method: TrainingMethod;
  /** The training stages each iteration runs, in order, each from the previous stage's model; [SUPERVISED, DPO] is the released recipe (SFT on the selected judgments, then DPO with an NLL term from the SFT model). One job per stage in Iteration.trainingJobs. */
  stages: Array<TrainingMethod>;
  /** COMMAND, WEBHOOK: the name of the trainer in the server's configuration file; null for the other backends. */
  trainer?: Maybe<Scalars['String']['output']>;
};

/** Training options. */
export type TrainingConfigInput = {
  /** Default OPENAI. */
  backend?: InputMaybe<TrainingBackend>;
  /** Default: the seed judge model. */
  baseModel?: InputMaybe<Scalars['String']['input']>;
  /** DPO data and loss settings, when method is DPO. */
  dpo?: InputMaybe<DpoConfigInput>;
  /** Default SEED. */
  from?: InputMaybe<TrainFrom>;
  /** Only keys the backend passes on (see TrainingConfig.hyperparameters), for example {"n_epochs": 2}; an unknown key is a BAD_USER_INPUT on config.training.hyperparameters. */
  hyperparameters?: InputMaybe<Scalars['JSON']['input']>;
  /** Default SUPERVISED; with `stages`, leave it out or give the last stage. */
  method?: InputMaybe<TrainingMethod>;
  /** Default [method]. One or two distinct stages, SUPERVISED before DPO: [SUPERVISED], [DPO] or [SUPERVISED, DPO] (the released recipe: the DPO stage trains from the SFT stage's model). Anything else is a BAD_USER_INPUT on config.training.stages. */
  stages?: InputMaybe<Array<TrainingMethod>>;
  /** COMMAND and WEBHOOK only, required: a trainer name of that type from the server's configuration file (never a command, URL or path). */
  trainer?: InputMaybe<Scalars['String']['input']>;
};

/** A fine-tuning job of an iteration: one per training stage. */
export type TrainingJob = {
  __typename?: 'TrainingJob';
  /** The LoRA adapter the service loaded for fineTunedModel (a COMMAND trainer's adapterPath, on an endpoint with loraAdapters), or null when it loaded none. */
  adapter?: Maybe<LoraAdapter>;
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
  /** Its place in the experiment's training.stages: 0 for the first; a later stage fine-tunes the previous stage's fineTunedModel. */
  stageIndex: Scalars['Int']['output'];
  /** The host's status (validating_files, running, succeeded, ...), or awaiting_model for EXTERNAL. */
  status: Scalars['String']['output'];
};

/** Fine-tuning objective. */
export type TrainingMethod =
  /** Preference optimisation: chosen = a correct judgment, rejected = an incorrect or unparseable one. */
  | 'DPO'
  /** Supervised fine-tuning on (judge prompt -> selected judgment), as in the paper. */
  | 'SUPERVISED';

/** Agreement with and without ties. */
export type TurnAgreement = {
  __typename?: 'TurnAgreement';
  /** Every human vote; a tie matches a tie. */
  withTies: AgreementRate;
  /** Leaving out the votes where the judge or the human says tie. */
  withoutTies: AgreementRate;
};

/** Token usage of one judgment sample (of its share of the request). */
export type Usage = {
  __typename?: 'Usage';
  /** Completion tokens. */
  completionTokens: Scalars['Int']['output'];
  /** Prompt tokens. */
  promptTokens: Scalars['Int']['output'];
};

/** A judge of the loop scored on the validation benchmarks (runLoop's evaluateOn). */
export type ValidatedJudge = {
  __typename?: 'ValidatedJudge';
  /** Validation accuracy (mean over items of the per-order majority verdict's score), 0..1. */
  accuracy?: Maybe<Scalars['Float']['output']>;
  /** The iteration that trained it; null for the seed judge. */
  iteration?: Maybe<Iteration>;
  /** The judge model. */
  judgeModel: Scalars['String']['output'];
  /** Share of items right in both orders, 0..1: the tie-breaker. */
  positionConsistency?: Maybe<Scalars['Float']['output']>;
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
