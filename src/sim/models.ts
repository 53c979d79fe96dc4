/** Which model ids exist, and each one's judge weights. */
import { SEED_WEIGHTS, type JudgeWeights } from './judge-model.js';

export type ModelObject = { id: string; object: 'model'; created: number; owned_by: string };

type FineTunedModel = ModelObject & { weights: JudgeWeights; root: string };

/** What `state.ts` saves of a fine-tuned model. */
export type FineTunedSnapshot = { id: string; root: string; weights: number[]; created: number };

const SEED_PREFIX = 'sim-';
const CREATED = 1_700_000_000;

export class ModelRegistry {
  private readonly fineTuned = new Map<string, FineTunedModel>();

  constructor(private seedModels: readonly string[]) {}

  setSeedModels(ids: readonly string[]): void {
    this.seedModels = ids;
  }

  /** A seed model is a listed id or any id starting with `sim-`. */
  private isSeed(id: string): boolean {
    return id.startsWith(SEED_PREFIX) || this.seedModels.includes(id);
  }

  has(id: string): boolean {
    return this.fineTuned.has(id) || this.isSeed(id);
  }

  /** Judge weights of a model, or undefined for an unknown id. */
  weights(id: string): JudgeWeights | undefined {
    const ft = this.fineTuned.get(id);
    if (ft) return ft.weights;
    return this.isSeed(id) ? SEED_WEIGHTS : undefined;
  }

  /** The seed model a model descends from (itself for a seed model). */
  root(id: string): string {
    return this.fineTuned.get(id)?.root ?? id;
  }

  get(id: string): ModelObject | undefined {
    const ft = this.fineTuned.get(id);
    if (ft) return { id: ft.id, object: 'model', created: ft.created, owned_by: ft.owned_by };
    return this.isSeed(id) ? { id, object: 'model', created: CREATED, owned_by: 'sim' } : undefined;
  }

  list(): ModelObject[] {
    const seeds = this.seedModels.map((id) => this.get(id)!);
    return [...seeds, ...[...this.fineTuned.keys()].map((id) => this.get(id)!)];
  }

  /** Loads `id` as an adapter serving the weights of the existing model `of` (vLLM's load_lora_adapter, simulated). */
  addAdapter(id: string, of: string, created: number): boolean {
    const weights = this.weights(of);
    if (!weights) return false;
    this.fineTuned.set(id, { id, object: 'model', created, owned_by: 'vllm-lora', weights: [...weights], root: this.root(of) });
    return true;
  }

  /** Unloads an adapter loaded by `addAdapter`; false when there is none of that name. */
  removeAdapter(id: string): boolean {
    const found = this.fineTuned.get(id);
    return found?.owned_by === 'vllm-lora' ? this.fineTuned.delete(id) : false;
  }

  addFineTuned(id: string, base: string, weights: JudgeWeights, created: number): void {
    this.fineTuned.set(id, { id, object: 'model', created, owned_by: 'user-sim', weights: [...weights], root: this.root(base) });
  }

  snapshot(): FineTunedSnapshot[] {
    return [...this.fineTuned.values()].map((m) => ({ id: m.id, root: m.root, weights: [...m.weights], created: m.created }));
  }

  restore(model: FineTunedSnapshot): void {
    this.fineTuned.set(model.id, { id: model.id, object: 'model', created: model.created, owned_by: 'user-sim', weights: [...model.weights], root: model.root });
  }
}
