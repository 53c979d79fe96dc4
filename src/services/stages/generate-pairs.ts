/**
 * GENERATE_PAIRS: for each usable instruction x, y_w = an answer to x, and one prompt that returns
 * a modified instruction x' with an answer to it, y_l. Outputs that break the tagged format, an x'
 * equal to x, or empty (or truncated) answers are stored as REJECTED pairs with the raw output.
 */
import type { Db } from '../../db/database.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import * as pairsRepo from '../../db/pairs-repo.js';
import type { NewPair } from '../../db/pairs-repo.js';
import { answerPrompt, modifiedInstructionPrompt, parseModification } from '../../domain/prompts.js';
import { deriveSeed } from '../../domain/rng.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { collectBatch } from './batch.js';
import { checkEndpoint, endpointRoles } from './endpoints.js';
import type { Endpoints } from './endpoints.js';
import type { StageHandler } from './handler.js';

export type PairsDeps = { db: Db; endpoints: Endpoints; config: (experimentId: number) => Promise<ExperimentConfig> };

const generationOf = (params: unknown) => Number((params as { generation?: number }).generation ?? 0);

export function generatePairsStageHandler(deps: PairsDeps): StageHandler {
  const { db } = deps;
  return {
    kind: 'GENERATE_PAIRS',
    async preflight(stage) {
      const config = await deps.config(stage.experimentId!);
      const name = endpointRoles(config).generator;
      return checkEndpoint(deps.endpoints(name), name, [config.generatorModel]);
    },
    async pendingKeys(stage) {
      const config = await deps.config(stage.experimentId!);
      const ids = await pairsRepo.instructionsNeedingPairs(db, stage.experimentId!, generationOf(stage.params), config.keepCategories);
      return ids.map(String);
    },
    async storedKeys(stage, keys) {
      const done = await pairsRepo.instructionsWithPairs(db, keys.map(Number), generationOf(stage.params));
      return new Set([...done].map(String));
    },
    async process(stage, keys, control) {
      const config = await deps.config(stage.experimentId!);
      const generation = generationOf(stage.params);
      const llm = deps.endpoints(endpointRoles(config).generator);
      const instructions = await experimentsRepo.getInstructions(db, keys.map(Number));
      const tags = { experiment: String(stage.experimentId), stage: 'GENERATE_PAIRS' };
      const common = {
        model: config.generatorModel,
        temperature: config.temperature,
        top_p: config.topP,
        max_tokens: config.generationMaxTokens,
        tags,
      };
      const batch = await collectBatch<(typeof instructions)[number], NewPair>(instructions, (i) => String(i.id), control, async (instruction, signal) => {
        const [answer, modification] = await Promise.all([
          llm.chat({ ...common, signal, messages: answerPrompt(instruction.text), seed: deriveSeed(config.seed, 'answer', generation, instruction.textHash) }),
          llm.chat({ ...common, signal, messages: modifiedInstructionPrompt(instruction.text), seed: deriveSeed(config.seed, 'modify', generation, instruction.textHash) }),
        ]);
        const promptTokens = answer.usage.promptTokens + modification.usage.promptTokens;
        const completionTokens = answer.usage.completionTokens + modification.usage.completionTokens;
        const chosen = answer.choices[0]?.text.trim() ?? '';
        const raw = modification.choices[0]?.text ?? '';
        const parsed = parseModification(raw, instruction.text);
        const base = { experimentId: stage.experimentId!, instructionId: instruction.id, generation, rawOutput: raw, promptTokens, completionTokens };
        let reason: string | null = null;
        if (!chosen) reason = 'empty answer to the instruction';
        else if (answer.choices[0]?.finishReason === 'length') reason = 'the answer to the instruction was cut off (finish_reason length)';
        else if (!parsed.ok) reason = parsed.reason;
        const row: NewPair =
          reason !== null || !parsed.ok
            ? { ...base, status: 'REJECTED', chosen: chosen || null, error: reason }
            : { ...base, status: 'READY', chosen, modifiedInstruction: parsed.modifiedInstruction, rejected: parsed.response };
        return { usage: { promptTokens, completionTokens }, rows: [row] };
      });
      return {
        failures: batch.failures,
        fatal: batch.fatal,
        usage: batch.usage,
        async write(tx) {
          return (await pairsRepo.insertPairs(tx, batch.rows)).length;
        },
      };
    },
    async finalize(tx, stage) {
      return { pairs: await pairsRepo.pairStatusCounts(tx, stage.experimentId!, generationOf(stage.params)) };
    },
  };
}
