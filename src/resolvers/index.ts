/**
 * Resolvers: parse arguments, call one service method, map the result. No SQL, no rules.
 */
import type { Execution } from '../domain/vocabulary.js';
import type { ExperimentRow, IterationRow, JudgmentRow, PairRow, StageRow } from '../services/read/types.js';
import type { ExperimentConfigInput } from '../services/experiments/config.js';
import { pairSettings } from '../services/experiments/pair-config.js';
import { presetFields } from '../services/experiments/preset.js';
import type { InstructionFormat } from '../services/imports/instructions.js';
import { auditResolvers } from './audit.js';
import { connection } from './connection.js';
import type { Context } from './context.js';
import { idArg } from './ids.js';
import { STAGE_LOG_LINES } from '../services/read/queries.js';
import { clientApiResolvers } from './client-api.js';
import { evaluationResolvers } from './evaluations.js';
import { mergeResolverMaps } from './merge.js';
import { DateTime, JSONScalar } from './scalars.js';
import { logLineView, subscriptionResolvers } from './subscriptions.js';

type Args = Record<string, unknown>;

const coreResolvers = {
  DateTime,
  JSON: JSONScalar,

  Query: {
    serviceInfo: (_: unknown, __: Args, { services }: Context) => services.info,
    serverConfiguration: (_: unknown, __: Args, { services }: Context) => services.serverConfiguration,
    experiments: async (_: unknown, args: { first?: number; after?: string }, { services }: Context) =>
      connection(await services.queries.experiments(args.first, args.after), { totalCount: () => services.connections.experimentCount() }),
    experiment: (_: unknown, args: { id: string }, { services }: Context) => services.queries.experiment(idArg('id', args.id)),
    iteration: (_: unknown, args: { id: string }, { services }: Context) => services.queries.iteration(idArg('id', args.id)),
    pair: (_: unknown, args: { id: string }, { services }: Context) => services.queries.pair(idArg('id', args.id)),
    stage: (_: unknown, args: { id: string }, { services }: Context) => services.queries.stage(idArg('id', args.id)),
  },

  Mutation: {
    createExperiment: (_: unknown, args: { name: string; config?: ExperimentConfigInput }, { services }: Context) =>
      services.experiments.create(args.name, args.config),
    importInstructions: async (_: unknown, args: { experimentId: string; content: string; format?: string; source?: string }, { services }: Context) => {
      const experiment = await services.pipeline.experiment(idArg('experimentId', args.experimentId));
      return services.experiments.importInstructions(experiment, args.content, (args.format ?? 'AUTO').toLowerCase() as InstructionFormat, args.source ?? null);
    },
    importBundledInstructions: async (_: unknown, args: { experimentId: string; name: string }, { services }: Context) =>
      services.experiments.importBundled(await services.pipeline.experiment(idArg('experimentId', args.experimentId)), args.name),
    categorizeInstructions: (_: unknown, args: { experimentId: string }, { services }: Context) => services.pipeline.categorizeInstructions(idArg('experimentId', args.experimentId)),
    generatePairs: (_: unknown, args: { experimentId: string; execution?: Execution | null }, { services }: Context) =>
      services.pipeline.generatePairs(idArg('experimentId', args.experimentId), args.execution ?? undefined),
    startIteration: (_: unknown, args: { experimentId: string }, { services }: Context) => services.pipeline.startIteration(idArg('experimentId', args.experimentId)),
    judgePairs: (_: unknown, args: { iterationId: string; execution?: Execution | null }, { services }: Context) =>
      services.pipeline.judgePairs(idArg('iterationId', args.iterationId), args.execution ?? undefined),
    selectJudgments: (_: unknown, args: { iterationId: string }, { services }: Context) => services.pipeline.selectJudgments(idArg('iterationId', args.iterationId)),
    trainJudge: (_: unknown, args: { iterationId: string }, { services }: Context) => services.pipeline.trainJudge(idArg('iterationId', args.iterationId)),
    registerJudgeModel: (_: unknown, args: { iterationId: string; model: string }, { services }: Context) =>
      services.pipeline.registerJudgeModel(idArg('iterationId', args.iterationId), args.model),
    completeTraining: (_: unknown, args: { iterationId: string; model: string; token: string }, { services }: Context) =>
      services.trainingReports.completeTraining(idArg('iterationId', args.iterationId), args.model, args.token),
    runLoop: (_: unknown, args: { experimentId: string; iterations: number; evaluateOn?: string[] | null; untilNoGain?: number | null }, { services }: Context) =>
      services.loop.runLoop(idArg('experimentId', args.experimentId), args.iterations, args.evaluateOn?.map((id) => idArg('evaluateOn', id)), args.untilNoGain),
    cancelStage: (_: unknown, args: { stageId: string }, { services }: Context) => services.pipeline.cancelStage(idArg('stageId', args.stageId)),
    resumeStage: (_: unknown, args: { stageId: string }, { services }: Context) => services.pipeline.resumeStage(idArg('stageId', args.stageId)),
    deleteExperiment: async (_: unknown, args: { id: string }, { services }: Context) => String(await services.experiments.delete(idArg('id', args.id))),
    setTokenBudget: (_: unknown, args: { experimentId: string; tokenBudget?: number | null }, { services }: Context) =>
      services.pipeline.setTokenBudget(idArg('experimentId', args.experimentId), args.tokenBudget ?? null),
    setMoneyBudget: (_: unknown, args: { experimentId: string; moneyBudget?: number | null }, { services }: Context) =>
      services.pipeline.setMoneyBudget(idArg('experimentId', args.experimentId), args.moneyBudget ?? null),
  },

  Subscription: subscriptionResolvers,

  Experiment: {
    // Configs stored before the pair options existed get their defaults (the behaviour they ran with is recorded per pair).
    config: (e: ExperimentRow) => ({ ...(e.config as object), ...pairSettings(e.config as object), ...presetFields(e.config as object) }),
    instructionCount: (e: ExperimentRow, _: Args, { loaders }: Context) => loaders.instructionCount.load(e.id),
    iterations: (e: ExperimentRow, _: Args, { loaders }: Context) => loaders.iterationsOf.load(e.id),
    instructions: async (e: ExperimentRow, args: { first?: number; after?: string; search?: string | null }, { services, loaders }: Context) => {
      const page = await services.queries.instructions(e.id, args);
      const { search } = page;
      return connection(page, { totalCount: search ? () => services.queries.countMatchingInstructions(e.id, search) : () => loaders.instructionCount.load(e.id) });
    },
    pairs: async (e: ExperimentRow, args: { first?: number; after?: string; status?: 'READY' | 'REJECTED'; search?: string | null }, { services }: Context) =>
      connection(await services.queries.pairs(e.id, args), { totalCount: () => services.queries.countPairs(e.id, args.status, args.search) }),
    stages: (e: ExperimentRow, _: Args, { services }: Context) => services.queries.stages({ experimentId: e.id }),
    cost: async (e: ExperimentRow, _: Args, { services }: Context) => (await services.costs.experiment(e.id)).cost,
    unpricedModels: async (e: ExperimentRow, _: Args, { services }: Context) => (await services.costs.experiment(e.id)).unpricedModels,
    loop: (e: ExperimentRow) =>
      e.loopStatus
        ? {
            status: e.loopStatus,
            targetIteration: e.loopTarget ?? 0,
            error: e.loopError,
            evaluateOn: (e.loopEvaluateOn as number[]).map(String),
            untilNoGain: (e.loopStop as { patience?: number } | null)?.patience ?? null,
            stopReason: (e.loopStop as { reason?: string | null } | null)?.reason ?? null,
          }
        : null,
    bestIteration: async (e: ExperimentRow, _: Args, { services }: Context) => (await services.loop.bestJudge(e.id))?.best ?? null,
    validatedJudges: async (e: ExperimentRow, _: Args, { services }: Context) => (await services.loop.bestJudge(e.id))?.judges ?? [],
  },

  Pair: {
    instruction: (p: PairRow, _: Args, { loaders }: Context) => loaders.instruction.load(p.instructionId),
    judgments: async (p: PairRow, args: { iterationId?: string; first?: number; after?: string }, { services }: Context) => {
      const iterationId = args.iterationId ? idArg('iterationId', args.iterationId) : null;
      return connection(await services.queries.pairJudgments(p.id, { ...args, iterationId }), { totalCount: () => services.connections.pairJudgmentCount(p.id, iterationId) });
    },
  },

  Iteration: {
    experiment: (i: IterationRow, _: Args, { loaders }: Context) => loaders.experiment.load(i.experimentId),
    stages: (i: IterationRow, _: Args, { services }: Context) => services.queries.stages({ iterationId: i.id }),
    stats: (i: IterationRow, _: Args, { services }: Context) => services.queries.iterationStats(i),
    cost: async (i: IterationRow, _: Args, { services }: Context) => (await services.costs.iteration(i.id)).cost,
    unpricedModels: async (i: IterationRow, _: Args, { services }: Context) => (await services.costs.iteration(i.id)).unpricedModels,
    judgments: async (i: IterationRow, args: { first?: number; after?: string; filter?: Args }, { services }: Context) =>
      connection(await services.queries.judgments(i.id, args), { totalCount: () => services.connections.judgmentCount(i, args.filter) }),
    trainingJob: async (i: IterationRow, _: Args, { loaders }: Context) => (await loaders.trainingJobs.load(i.id)).at(-1) ?? null,
    trainingJobs: (i: IterationRow, _: Args, { loaders }: Context) => loaders.trainingJobs.load(i.id),
  },

  ValidatedJudge: {
    iteration: (j: { iterationId: number | null }, _: Args, { loaders }: Context) => (j.iterationId === null ? null : loaders.iteration.load(j.iterationId)),
  },

  ExperimentConfig: {
    // Experiments created before named endpoints used `default` for every role.
    endpoints: (c: { endpoints?: object }) => c.endpoints ?? { generator: 'default', judge: 'default', trained: 'default' },
    execution: (c: { execution?: string }) => c.execution ?? 'ONLINE',
    batchRetry: (c: { batchRetry?: string }) => c.batchRetry ?? 'NEXT_BATCH',
  },

  TrainingConfig: {
    // Experiments created before training stages ran one stage of `method`.
    stages: (t: { method: string; stages?: string[] }) => t.stages ?? [t.method],
  },

  TrainingJob: {
    backend: (t: { backend: string }) => t.backend,
    method: (t: { method: string }) => (t.method === 'dpo' ? 'DPO' : 'SUPERVISED'),
    adapter: (t: { adapterEndpoint: string | null; adapterUnloadedAt: Date | null }) =>
      t.adapterEndpoint === null ? null : { endpoint: t.adapterEndpoint, loaded: t.adapterUnloadedAt === null, unloadedAt: t.adapterUnloadedAt },
  },

  Judgment: {
    iteration: (j: JudgmentRow, _: Args, { loaders }: Context) => loaders.iteration.load(j.iterationId),
    pair: (j: JudgmentRow, _: Args, { loaders }: Context) => loaders.pair.load(j.pairId),
    usage: (j: JudgmentRow) => ({ promptTokens: j.promptTokens, completionTokens: j.completionTokens }),
  },

  Stage: {
    cost: async (s: StageRow, _: Args, { services, loaders }: Context) => services.costs.stage(s, await loaders.stageUsage.load(s.id)).cost,
    unpricedModels: async (s: StageRow, _: Args, { services, loaders }: Context) => services.costs.stage(s, await loaders.stageUsage.load(s.id)).unpricedModels,
    failures: (s: StageRow, _: Args, { services }: Context) => (s.failed > 0 ? services.queries.stageFailures(s.id) : []),
    providerBatches: (s: StageRow, _: Args, { services }: Context) => services.queries.providerBatches(s.id),
    log: async (s: StageRow, args: { last?: number | null; afterId?: string | null }, { services }: Context) => {
      const limit = Math.min(Math.max(args.last ?? STAGE_LOG_LINES.default, 0), STAGE_LOG_LINES.max);
      const rows = await services.queries.stageLog(s.id, { limit, ...(args.afterId ? { afterId: idArg('afterId', args.afterId) } : {}) });
      return rows.map(logLineView);
    },
  },
};

/** Every resolver: the core ones above and those of benchmarks and evaluations. */
export const resolvers = mergeResolverMaps(coreResolvers, evaluationResolvers, auditResolvers, clientApiResolvers);

