/**
 * `ste experiment create NAME [options]`, `ste experiment list` (and `ste experiment show`, experiment-show.ts).
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { CreateExperimentDocument, ExperimentListDocument } from '../../../generated/cli-operations.js';
import type { ExperimentSummaryFragment } from '../../../generated/cli-operations.js';
import type { ExperimentConfigInput } from '../../../generated/graphql-types.js';
import type { CommandContext } from '../context.js';
import { table } from '../context.js';
import { decimal, jsonObject, list, wholeNumber } from '../options.js';
import { readPages } from '../paging.js';
import { registerExperimentShow } from './experiment-show.js';
import type { Runner } from './runner.js';

type CreateFlags = {
  samples?: number;
  seed?: number;
  judgeModel?: string;
  generatorModel?: string;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  keepCategories?: string[];
  trainingBackend?: string;
  trainingMethod?: string;
  trainingStages?: string[];
  tokenBudget?: number;
  config?: Record<string, unknown>;
};

export function registerExperimentCommands(program: Command, run: Runner): void {
  const experiment = program.command('experiment').description('create, list and show experiments');

  experiment
    .command('create')
    .description('create an experiment; options not given take the server defaults')
    .argument('<name>', 'a name for people (1 to 200 characters)')
    .option('--samples <n>', 'judgment samples per pair and order, 1 to 64 (default 8)', wholeNumber(1, 64))
    .option('--seed <n>', 'seed of every random choice (default 1)', wholeNumber(-2147483648, 2147483647))
    .option('--judge-model <model>', 'the seed judge M_1')
    .option('--generator-model <model>', 'the model that writes answers and modified instructions')
    .option('--temperature <t>', 'judge sampling temperature, 0 to 2 (default 0.7)', decimal(0, 2))
    .option('--top-p <p>', 'judge nucleus sampling, above 0 and at most 1 (default 0.9)', decimal(Number.MIN_VALUE, 1))
    .option('--max-tokens <n>', 'maximum tokens of a judgment (default 4096)', wholeNumber(1, 32768))
    .option('--keep-categories <list>', 'only these categories get pairs, comma-separated (the paper kept reasoning)', list)
    .addOption(new Option('--training-backend <backend>', 'where fine-tuning happens (default OPENAI)').choices(['OPENAI', 'EXTERNAL']))
    .addOption(new Option('--training-method <method>', 'fine-tuning objective (default SUPERVISED)').choices(['SUPERVISED', 'DPO']))
    .option('--training-stages <list>', 'training stages of each iteration, in order, comma-separated: SUPERVISED,DPO is the released recipe (default: the method alone)', list)
    .option('--token-budget <n>', 'token budget of the whole experiment', decimal(1, Number.MAX_SAFE_INTEGER))
    .option('--config <json>', 'any other ExperimentConfigInput fields as JSON; the flags above win', jsonObject)
    .action(run(async (ctx: CommandContext, name: string, flags: CreateFlags) => {
      const config = configInput(flags);
      // The server validates the fields of --config, and names a wrong one.
      const data = await ctx.api.request(CreateExperimentDocument, { name, config: config as ExperimentConfigInput });
      const e = data.createExperiment;
      ctx.result(
        [
          `created experiment ${e.id} "${e.name}": judge ${e.config.judgeModel}, generator ${e.config.generatorModel}, ${e.config.samplesPerOrder} samples per order, seed ${e.config.seed}`,
          `next: ste import instructions FILE --experiment ${e.id}, then ste loop ${e.id} --iterations 2`,
        ],
        e,
      );
    }));

  experiment
    .command('list')
    .description('list experiments, newest first')
    .option('--limit <n>', 'at most this many (default 100)', wholeNumber(1, 10_000), 100)
    .action(run(async (ctx: CommandContext, flags: { limit: number }) => {
      const experiments = await listExperiments(ctx, flags.limit);
      const rows = experiments.map((e) => {
        const last = e.iterations.at(-1);
        return [
          e.id,
          e.name,
          String(e.instructionCount),
          last ? `${e.iterations.length} (last: id ${last.id}, ${last.status})` : '0',
          e.loop ? `${e.loop.status} to ${e.loop.targetIteration}` : '-',
          `${e.config.judgeModel} · N=${e.config.samplesPerOrder} · seed ${e.config.seed}`,
          e.createdAt.slice(0, 16).replace('T', ' '),
        ];
      });
      const human = rows.length === 0
        ? 'no experiments yet: ste experiment create NAME'
        : table([['ID', 'NAME', 'INSTRUCTIONS', 'ITERATIONS', 'LOOP', 'JUDGE', 'CREATED (UTC)'], ...rows]);
      ctx.result(human, experiments);
    }));

  registerExperimentShow(experiment, run);
}

async function listExperiments(ctx: CommandContext, limit: number): Promise<ExperimentSummaryFragment[]> {
  return (await readPages(ctx, ExperimentListDocument, {}, (data) => data.experiments, limit)).nodes;
}

/** ExperimentConfigInput from the flags, over the fields of --config. */
export function configInput(flags: CreateFlags): Record<string, unknown> {
  const config: Record<string, unknown> = { ...flags.config };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) config[key] = value;
  };
  set('samplesPerOrder', flags.samples);
  set('seed', flags.seed);
  set('judgeModel', flags.judgeModel);
  set('generatorModel', flags.generatorModel);
  set('temperature', flags.temperature);
  set('topP', flags.topP);
  set('maxTokens', flags.maxTokens);
  set('keepCategories', flags.keepCategories);
  set('tokenBudget', flags.tokenBudget);
  if (flags.trainingBackend || flags.trainingMethod || flags.trainingStages) {
    const training = { ...(config.training as Record<string, unknown> | undefined) };
    if (flags.trainingBackend) training.backend = flags.trainingBackend;
    if (flags.trainingMethod) training.method = flags.trainingMethod;
    if (flags.trainingStages) training.stages = flags.trainingStages.map((s) => s.toUpperCase());
    config.training = training;
  }
  return config;
}
