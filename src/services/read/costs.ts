/**
 * Cost in money for the API: a stage's, an iteration's or an experiment's usage lines priced with
 * the server's price table (services/stages/cost.ts). Null with the models that have no price.
 */
import type { Database } from '../../db/database.js';
import * as stageUsageRepo from '../../db/stage-usage-repo.js';
import type { UsageLine } from '../../db/stage-usage-repo.js';
import type { StageRow } from '../../db/schema.js';
import { costView, type Money, type Pricing } from '../stages/cost.js';

export type CostView = { cost: Money | null; unpricedModels: string[] };

export class CostReads {
  constructor(
    private readonly database: Database,
    private readonly pricing: Pricing,
  ) {}

  /** A stage's cost from its usage lines (loaded in batch by the `stageUsage` loader). */
  stage(stage: Pick<StageRow, 'promptTokens' | 'completionTokens'>, lines: readonly UsageLine[]): CostView {
    const recorded = lines.reduce((n, l) => n + l.promptTokens + l.completionTokens, 0);
    return costView(this.pricing.cost(lines, stage.promptTokens + stage.completionTokens - recorded));
  }

  async iteration(iterationId: number): Promise<CostView> {
    const { lines, unrecordedTokens } = await stageUsageRepo.usageOf(this.database.db, { iterationId });
    return costView(this.pricing.cost(lines, unrecordedTokens));
  }

  async experiment(experimentId: number): Promise<CostView> {
    const { lines, unrecordedTokens } = await stageUsageRepo.usageOf(this.database.db, { experimentId });
    return costView(this.pricing.cost(lines, unrecordedTokens));
  }
}
