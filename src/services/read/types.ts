/** Row shapes the API layer maps to GraphQL types; the services own what they mean. */
export type {
  BenchmarkRow,
  EvaluationRow,
  ExperimentRow,
  InstructionRow,
  IterationRow,
  JudgmentRow,
  PairRow,
  StageLogLineRow,
  StageRow,
  TrainingJobRow,
} from '../../db/schema.js';
export type { JudgmentFilter } from '../../db/judgments/index.js';
