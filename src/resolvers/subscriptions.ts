/**
 * Subscriptions adapt the services' live streams; the stream ends when the client unsubscribes.
 */
import type { JudgmentFilter } from '../services/types.js';
import { badInput } from '../services/errors.js';
import type { Context } from './context.js';

/** Wraps a stream so that `return()` from graphql-ws (unsubscribe) aborts it. */
export function abortable<T>(make: (signal: AbortSignal) => AsyncGenerator<T>, field: string): AsyncIterableIterator<Record<string, T>> {
  const controller = new AbortController();
  const inner = make(controller.signal);
  const iterator: AsyncIterableIterator<Record<string, T>> = {
    async next() {
      const step = await inner.next();
      return step.done ? { done: true, value: undefined } : { done: false, value: { [field]: step.value } };
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

export const subscriptionResolvers = {
  judgmentAdded: {
    subscribe: async (_: unknown, args: { iterationId: string; afterSeq?: number | null; filter?: JudgmentFilter | null }, { services }: Context) => {
      const iteration = await services.pipeline.iteration(args.iterationId);
      const afterSeq = args.afterSeq ?? iteration.lastSeq;
      if (!Number.isInteger(afterSeq) || afterSeq < 0) throw badInput('afterSeq', `must be a whole number of 0 or more, got ${afterSeq}`);
      return abortable((signal) => services.live.judgmentStream(iteration.id, afterSeq, args.filter ?? null, signal), 'judgmentAdded');
    },
  },
  stageUpdated: {
    subscribe: async (_: unknown, args: { experimentId: string }, { services }: Context) => {
      const experiment = await services.pipeline.experiment(args.experimentId);
      return abortable((signal) => services.live.stageStream(experiment.id, signal), 'stageUpdated');
    },
  },
};

