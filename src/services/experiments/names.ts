/**
 * What an experiment may name from the server's configuration file: endpoints (one per role) and a
 * trainer. Only names are accepted, never a URL, a command or a path (those come from the file),
 * and the hyper-parameters must be keys the chosen backend passes on: an unknown key is a field
 * error, never silently dropped.
 */
import { badInput } from '../../domain/errors.js';

/** The endpoint every role uses unless the experiment names another (OPENAI_BASE_URL, or the simulator). */
export const DEFAULT_ENDPOINT = 'default';

/** Which endpoint serves which model of an experiment. */
export type EndpointRoles = {
  /** Answers, modified instructions and categories. */
  generator: string;
  /** The seed judge (iteration 1). */
  judge: string;
  /** The trained judges, and where OPENAI fine-tuning runs. */
  trained: string;
};

/** Names the server's configuration file defines (see src/config/endpoints.ts). */
export type ConfiguredNames = {
  endpoints: readonly string[];
  /** Trainer name -> its type (the backend that runs it) and the hyper-parameter keys it accepts. */
  trainers: Readonly<Record<string, { type: string; hyperparameters: readonly string[] }>>;
};

/** Only the `default` endpoint and no trainer: a server without STE_CONFIG. */
export const NO_CONFIGURED_NAMES: ConfiguredNames = { endpoints: [DEFAULT_ENDPOINT], trainers: {} };

/** The keys the OPENAI backend sends to the fine-tuning API (method.supervised/dpo.hyperparameters). */
export const OPENAI_HYPERPARAMETERS = ['n_epochs', 'batch_size', 'learning_rate_multiplier', 'beta'] as const;

const NAME_LIKE = /^[a-z][a-z0-9_-]{0,63}$/;

/** The endpoint of each role; a role left out uses `default`. */
export function resolveEndpointRoles(input: Partial<EndpointRoles> | null | undefined, names: ConfiguredNames): EndpointRoles {
  const pick = (role: keyof EndpointRoles) => configuredName(`config.endpoints.${role}`, input?.[role] ?? DEFAULT_ENDPOINT, names.endpoints, 'endpoint');
  return { generator: pick('generator'), judge: pick('judge'), trained: pick('trained') };
}

/** The trainer a COMMAND or WEBHOOK backend runs (required, of that type), or null for the other backends (refused when given). */
export function resolveTrainer(backend: string, trainer: string | null | undefined, names: ConfiguredNames): string | null {
  if (backend !== 'COMMAND' && backend !== 'WEBHOOK') {
    if (trainer != null) throw badInput('config.training.trainer', `is only used by the COMMAND and WEBHOOK backends, not ${backend}`);
    return null;
  }
  const ofType = Object.keys(names.trainers).filter((n) => names.trainers[n]!.type === backend);
  if (trainer == null) throw badInput('config.training.trainer', `the ${backend} backend needs a trainer named in the server's configuration file (configured: ${list(ofType)})`);
  return configuredName('config.training.trainer', trainer, ofType, `${backend} trainer`);
}

/** Refuses hyper-parameter keys the backend would not pass on. */
export function checkHyperparameters(backend: string, trainer: string | null, hyperparameters: Record<string, unknown> | null, names: ConfiguredNames): void {
  if (!hyperparameters) return;
  const allowed: readonly string[] =
    backend === 'OPENAI' ? OPENAI_HYPERPARAMETERS : trainer ? (names.trainers[trainer]?.hyperparameters ?? []) : [];
  for (const key of Object.keys(hyperparameters)) {
    if (allowed.includes(key)) continue;
    const why = backend === 'EXTERNAL' ? 'the EXTERNAL backend passes no hyper-parameters (give them to your trainer)' : `the ${backend} backend${trainer ? ` (trainer ${trainer})` : ''} passes only ${list(allowed)}`;
    throw badInput('config.training.hyperparameters', `unknown key "${key}": ${why}`);
  }
}

function configuredName(field: string, value: string, known: readonly string[], what: string): string {
  const name = value.trim();
  if (known.includes(name)) return name;
  // Say plainly why a URL, path or command is refused: only names of the server's file are accepted.
  const hint = NAME_LIKE.test(name) ? '' : ` (a ${what.split(' ').pop()} is named, never given as a URL, path or command: those come only from the server's configuration file)`;
  throw badInput(field, `unknown ${what} "${name.slice(0, 100)}"${hint}; configured: ${list(known)}`);
}

const list = (names: readonly string[]) => (names.length === 0 ? 'none' : names.join(', '));
