/**
 * Resolvers of benchmarks and evaluations: parse arguments, call one service method, map the
 * result. Merged into the resolver map by index.ts.
 */
import type { PairwiseMapping } from '../services/imports/benchmark-files.js';
import type { ContentEncoding } from '../services/imports/upload.js';
import type { EvaluateOptionsInput } from '../services/evaluation/options.js';
import type { BenchmarkRow, EvaluationRow, ExperimentRow, IterationRow, StageRow } from '../services/read/types.js';
import type { Context } from './context.js';
import { idArg } from './ids.js';
import { connection } from './connection.js';
import type { ItemChangeCode } from '../services/evaluation/evaluations.js';
import { abortable } from './subscriptions.js';

type Args = Record<string, unknown>;
type ItemsArgs = {
  first?: number | null;
  after?: string | null;
  filter?: { subset?: string | null; right?: boolean | null; change?: ItemChangeCode | null; against?: string | null; itemId?: string | null } | null;
};
type DiffParent = Parameters<Context['services']['evaluations']['diffPage']>[0];
/** An evaluation from the live stream carries its stage; elsewhere the stage comes from a loader. */
type EvaluationParent = EvaluationRow & { liveStage?: StageRow | null };

async function stageOf(e: EvaluationParent, { loaders }: Context): Promise<StageRow | undefined> {
  return e.liveStage !== undefined ? (e.liveStage ?? undefined) : loaders.evaluationStage.load(e.id);
}

async function resultsOf(e: EvaluationParent, context: Context) {
  return context.services.evaluations.results(e, await stageOf(e, context));
}

export const evaluationResolvers = {
  Query: {
    benchmarks: (_: unknown, __: Args, { services }: Context) => services.benchmarks.list(),
    benchmark: (_: unknown, args: { id: string }, { services }: Context) => services.benchmarks.find(idArg('id', args.id)),
    evaluation: (_: unknown, args: { id: string }, { services }: Context) => services.evaluations.find(idArg('id', args.id)),
    evaluationDiff: (_: unknown, args: { a: string; b: string }, { services }: Context) => services.evaluations.diff(idArg('a', args.a), idArg('b', args.b)),
  },

  Mutation: {
    importBenchmark: (
      _: unknown,
      args: {
        name: string;
        content: string;
        format: string;
        subset?: string | null;
        mapping?: PairwiseMapping | null;
        encoding?: ContentEncoding | null;
        skipBadRows?: boolean | null;
      },
      { services }: Context,
    ) => services.benchmarks.import(args),
    importBundledBenchmark: (_: unknown, args: { name: string }, { services }: Context) => services.benchmarks.importBundled(args.name),
    evaluateJudge: (
      _: unknown,
      args: { benchmarkId: string; iterationId?: string | null; experimentId?: string | null; model?: string | null; options?: EvaluateOptionsInput | null },
      { services }: Context,
    ) =>
      services.evaluations.evaluateJudge({
        ...args,
        benchmarkId: idArg('benchmarkId', args.benchmarkId),
        iterationId: args.iterationId == null || args.iterationId === '' ? null : idArg('iterationId', args.iterationId),
        experimentId: args.experimentId == null || args.experimentId === '' ? null : idArg('experimentId', args.experimentId),
      }),
  },

  Subscription: {
    evaluationUpdated: {
      subscribe: async (_: unknown, args: { evaluationId: string }, { services }: Context) => {
        const evaluation = await services.evaluations.evaluation(idArg('evaluationId', args.evaluationId));
        return abortable((signal) => services.live.evaluationStream(evaluation.id, signal), (evaluationUpdated) => ({ evaluationUpdated }));
      },
    },
  },

  Benchmark: {
    subsets: (b: BenchmarkRow, _: Args, { loaders }: Context) => loaders.benchmarkSubsets.load(b.id),
    evaluations: (b: BenchmarkRow, _: Args, { loaders }: Context) => loaders.benchmarkEvaluations.load(b.id),
  },

  Evaluation: {
    benchmark: (e: EvaluationParent, _: Args, { loaders }: Context) => loaders.benchmark.load(e.benchmarkId),
    stage: (e: EvaluationParent, _: Args, context: Context) => stageOf(e, context),
    status: async (e: EvaluationParent, _: Args, context: Context) => (await stageOf(e, context))?.status ?? e.status,
    error: async (e: EvaluationParent, _: Args, context: Context) => (await stageOf(e, context))?.error ?? e.error,
    partial: async (e: EvaluationParent, _: Args, context: Context) => (await resultsOf(e, context)).partial,
    overall: async (e: EvaluationParent, _: Args, context: Context) => (await resultsOf(e, context)).results.overall,
    subsets: async (e: EvaluationParent, _: Args, context: Context) => (await resultsOf(e, context)).results.subsets,
    rewardBench: async (e: EvaluationParent, _: Args, context: Context) => (await resultsOf(e, context)).results.rewardBench,
    humanAgreement: (e: EvaluationParent, _: Args, { services }: Context) => services.evaluations.humanAgreement(e),
    items: async (e: EvaluationParent, args: ItemsArgs, { services }: Context) => {
      const filter = args.filter ?? {};
      const against = filter.against == null || filter.against === '' ? null : idArg('filter.against', filter.against);
      const itemId = filter.itemId == null ? null : idArg('filter.itemId', filter.itemId);
      const page = await services.evaluations.items(e, { ...filter, against, itemId }, args);
      return connection(page, { totalCount: page.totalCount });
    },
  },

  EvaluationDiff: {
    itemPage: async (d: DiffParent, args: { first?: number | null; after?: string | null; changes?: ItemChangeCode[] | null; subset?: string | null }, { services }: Context) => {
      const page = await services.evaluations.diffPage(d, { changes: args.changes, subset: args.subset }, args);
      return connection(page, { totalCount: page.totalCount });
    },
  },

  Iteration: {
    evaluations: (i: IterationRow, _: Args, { loaders }: Context) => loaders.iterationEvaluations.load(i.id),
  },

  Experiment: {
    seedEvaluations: (e: ExperimentRow, _: Args, { loaders }: Context) => loaders.seedEvaluations.load(e.id),
  },
};
