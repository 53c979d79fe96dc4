/**
 * Resolvers of what client applications page through: evaluations across benchmarks and judges,
 * a benchmark's items. Merged into the resolver map by index.ts.
 */
import type { BenchmarkRow } from '../services/read/types.js';
import type { EvaluationListFilter } from '../services/read/connections.js';
import { connection } from './connection.js';
import type { Context } from './context.js';
import { idArg } from './ids.js';

type EvaluationFilterArg = { benchmarkId?: string | null; experimentId?: string | null; iterationId?: string | null; judgeModel?: string | null };

const optionalId = (field: string, value: string | null | undefined) => (value == null ? null : idArg(field, value));

function evaluationFilter(filter: EvaluationFilterArg | null | undefined): EvaluationListFilter {
  return {
    benchmarkId: optionalId('filter.benchmarkId', filter?.benchmarkId),
    experimentId: optionalId('filter.experimentId', filter?.experimentId),
    iterationId: optionalId('filter.iterationId', filter?.iterationId),
    judgeModel: filter?.judgeModel ?? null,
  };
}

export const clientApiResolvers = {
  Query: {
    evaluations: async (_: unknown, args: { filter?: EvaluationFilterArg | null; first?: number; after?: string }, { services }: Context) => {
      const filter = evaluationFilter(args.filter);
      return connection(await services.connections.evaluations(filter, args), { totalCount: () => services.connections.evaluationCount(filter) });
    },
  },

  Benchmark: {
    items: async (b: BenchmarkRow, args: { first?: number; after?: string; subset?: string | null }, { services }: Context) =>
      connection(await services.connections.benchmarkItems(b.id, args), { totalCount: () => services.connections.benchmarkItemCount(b, args.subset) }),
  },
};
