/**
 * Subscriptions adapt the services' live streams; the stream ends when the client unsubscribes.
 */
import type { StageLogLineRow } from '../services/read/types.js';
import type { JudgmentFilter } from '../services/read/types.js';
import { badInput } from '../domain/errors.js';
import type { Context } from './context.js';
import { idArg } from './ids.js';

/**
 * Several source events of one subscription field at once, in order: the WebSocket transport
 * (src/http/subscribe.ts) executes the selection once per value, shares the result between every
 * subscriber with the same selection, and sends one `next` message per value.
 */
export class EventBatch<T = unknown> {
  constructor(
    readonly field: string,
    readonly values: readonly T[],
  ) {}
}

/** Wraps a stream so that `return()` from graphql-ws (unsubscribe) aborts it; `event` makes each value a source event. */
export function abortable<T, E>(make: (signal: AbortSignal) => AsyncGenerator<T>, event: (value: T) => E): AsyncIterableIterator<E> {
  const controller = new AbortController();
  const inner = make(controller.signal);
  const iterator: AsyncIterableIterator<E> = {
    async next() {
      const step = await inner.next();
      return step.done ? { done: true, value: undefined } : { done: false, value: event(step.value) };
    },
    async return() {
      controller.abort();
      await inner.return(undefined);
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** A stored log line as the API shows it (StageLogLine). */
export const logLineView = (r: StageLogLineRow) => ({ id: String(r.id), stream: r.stream, line: r.line, at: r.createdAt });

export const subscriptionResolvers = {
  judgmentAdded: {
    subscribe: async (_: unknown, args: { iterationId: string; afterSeq?: number | null; filter?: JudgmentFilter | null; untilDone?: boolean | null }, { services }: Context) => {
      const iteration = await services.pipeline.iteration(idArg('iterationId', args.iterationId));
      const afterSeq = args.afterSeq ?? iteration.lastSeq;
      if (!Number.isInteger(afterSeq) || afterSeq < 0) throw badInput('afterSeq', `must be a whole number of 0 or more, got ${afterSeq}`);
      const filter = await services.queries.judgmentFilter(args.filter);
      return abortable(
        (signal) => services.live.judgmentBatches(iteration.id, afterSeq, filter, signal, { untilDone: args.untilDone === true }),
        (rows) => new EventBatch('judgmentAdded', rows),
      );
    },
  },
  stageLogAppended: {
    subscribe: async (_: unknown, args: { stageId: string; afterId?: string | null }, { services }: Context) => {
      const stage = await services.pipeline.stage(idArg('stageId', args.stageId));
      // "0": every stored line first; unset: only lines appended from now on.
      const afterId = args.afterId == null ? await services.queries.lastStageLogId(stage.id) : String(args.afterId).trim() === '0' ? 0 : idArg('afterId', args.afterId);
      return abortable(
        (signal) => services.live.stageLogStream(stage.id, afterId, signal),
        (rows) => new EventBatch('stageLogAppended', rows.map(logLineView)),
      );
    },
  },
  iterationUpdated: {
    subscribe: async (_: unknown, args: { experimentId: string }, { services }: Context) => {
      const experiment = await services.pipeline.experiment(idArg('experimentId', args.experimentId));
      return abortable((signal) => services.live.iterationStream(experiment.id, signal), (iterationUpdated) => ({ iterationUpdated }));
    },
  },
  stageUpdated: {
    subscribe: async (_: unknown, args: { experimentId: string }, { services }: Context) => {
      const experiment = await services.pipeline.experiment(idArg('experimentId', args.experimentId));
      return abortable((signal) => services.live.stageStream(experiment.id, signal), (stageUpdated) => ({ stageUpdated }));
    },
  },
};

