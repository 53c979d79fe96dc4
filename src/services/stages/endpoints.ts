/**
 * Which named endpoint a stage calls, and the check made before a stage's first item is sent:
 * `GET /models` answers (the key is accepted) and names the models the stage calls. A refused key,
 * a missing model or an endpoint that does not answer within a few tries stops the stage with the
 * endpoint's own message before any item is sent.
 */
import { LlmError } from '../../llm/index.js';
import type { LlmClient } from '../../llm/index.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { DEFAULT_ENDPOINT } from '../experiments/names.js';
import type { EndpointRoles } from '../experiments/names.js';
import { failureText } from './batch.js';

/** The llm client of a named endpoint; throws for a name the server does not configure. */
export type Endpoints = (name: string) => LlmClient;

/** Tries of the check: enough for a hiccup, few enough that an unreachable endpoint fails within seconds. */
const CHECK_RETRIES = 2;

/** The endpoints of an experiment's roles (`default` for rows made before named endpoints). */
export function endpointRoles(config: ExperimentConfig | undefined): EndpointRoles {
  return config?.endpoints ?? { generator: DEFAULT_ENDPOINT, judge: DEFAULT_ENDPOINT, trained: DEFAULT_ENDPOINT };
}

/** The endpoint serving a judge model of an experiment: the seed judge's, else the trained judges'. */
export function judgeEndpoint(config: ExperimentConfig, model: string): string {
  const roles = endpointRoles(config);
  return model === config.judgeModel ? roles.judge : roles.trained;
}

/**
 * Asks `endpoint` for its models; returns why `models` cannot be called there (with the endpoint's
 * message), or undefined. A model missing from the list is asked for by id, since some servers
 * (the simulator, OpenAI's fine-tuned models of other projects) serve ids they do not list.
 */
export async function checkEndpoint(llm: LlmClient, endpoint: string, models: readonly string[]): Promise<string | undefined> {
  let listed: Set<string>;
  try {
    listed = new Set((await llm.listModels({ maxRetries: CHECK_RETRIES })).map((m) => m.id));
  } catch (error) {
    return `endpoint "${endpoint}" refused or did not answer GET /models: ${failureText(error)}`;
  }
  for (const model of new Set(models)) {
    if (listed.has(model)) continue;
    try {
      await llm.retrieveModel(model, { maxRetries: CHECK_RETRIES });
    } catch (error) {
      const missing = error instanceof LlmError && error.status === 404;
      return missing
        ? `endpoint "${endpoint}" does not serve the model "${model}": ${failureText(error)}`
        : `endpoint "${endpoint}" could not be asked for the model "${model}": ${failureText(error)}`;
    }
  }
  return undefined;
}
