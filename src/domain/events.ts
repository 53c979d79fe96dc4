/**
 * The typed events of the pipeline. Writers announce them with NOTIFY inside the transaction of
 * the write (a rolled-back write announces nothing); every API process LISTENs and re-emits them
 * locally. Payloads carry ids and seqs only (NOTIFY payloads are capped at 8000 bytes): readers
 * load the rows.
 */
export const EVENTS_CHANNEL = 'ste_events';

export type PipelineEvents = {
  /** Judgments with seq in [fromSeq, toSeq] were committed for the iteration. */
  'judgment.created': { iterationId: number; fromSeq: number; toSeq: number };
  /** A stage's status or counts changed (experimentId null: an evaluation outside any experiment). */
  'stage.updated': { stageId: number; experimentId: number | null; final: boolean };
  /** An iteration was created or its status, error or trained model changed (AWAITING_MODEL included). */
  'iteration.updated': { iterationId: number; experimentId: number };
  /** Lines up to id `toId` were appended to a stage's log (a COMMAND trainer's output). */
  'stage.log': { stageId: number; toId: number };
  /** Verdicts were stored for an evaluation. */
  'evaluation.progress': { evaluationId: number; stageId: number };
};

export type EventName = keyof PipelineEvents;
export type EventMessage = { [K in EventName]: { type: K; data: PipelineEvents[K] } }[EventName];
