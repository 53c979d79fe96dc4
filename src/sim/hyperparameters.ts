/** Fine-tuning hyper-parameters as OpenAI names them, with the simulator's "auto" choices. */
import { badRequest } from './http.js';

export type RequestedHyperparameters = {
  n_epochs?: number | 'auto';
  batch_size?: number | 'auto';
  learning_rate_multiplier?: number | 'auto';
  beta?: number | 'auto';
};

export type Hyperparameters = { n_epochs: number; batch_size: number; learning_rate_multiplier: number };

/** auto: 3 epochs (300 gradient steps), batches of 32, multiplier 1 (learning rate 0.5). */
const AUTO = { n_epochs: 3, batch_size: 32, learning_rate_multiplier: 1 } as const;

function value(name: keyof Hyperparameters, raw: unknown, fallback: number, integer: boolean, max: number): number {
  if (raw === undefined || raw === null || raw === 'auto') return fallback;
  const ok = typeof raw === 'number' && Number.isFinite(raw) && raw > 0 && raw <= max && (!integer || Number.isInteger(raw));
  if (!ok) {
    throw badRequest(`hyperparameters.${name} must be "auto" or ${integer ? 'an integer' : 'a number'} in (0, ${max}], got ${JSON.stringify(raw)}.`, `hyperparameters.${name}`);
  }
  return raw as number;
}

/** Resolves "auto" values; with `examples`, the batch size is capped by the example count. */
export function resolveHyperparameters(requested: RequestedHyperparameters, examples?: number): Hyperparameters {
  const batch = value('batch_size', requested.batch_size, AUTO.batch_size, true, 256);
  return {
    n_epochs: value('n_epochs', requested.n_epochs, AUTO.n_epochs, true, 50),
    batch_size: examples === undefined ? batch : Math.max(1, Math.min(batch, examples)),
    learning_rate_multiplier: value('learning_rate_multiplier', requested.learning_rate_multiplier, AUTO.learning_rate_multiplier, false, 10),
  };
}
