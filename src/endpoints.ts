/**
 * One llm client per named endpoint of the configuration (STE_CONFIG and the `default` endpoint),
 * each with its own connection pool, limiter and usage counters. Built once by createApp, drained
 * and closed with it.
 */
import type { NamedEndpoint } from './config/index.js';
import { createLlmClient } from './llm/index.js';
import type { LlmClient, LlmLogger } from './llm/index.js';

export type EndpointClients = {
  /** The client of a configured endpoint; throws for any other name (experiments were validated against the same list). */
  get(name: string): LlmClient;
  names(): string[];
  /** Stops starting requests on every endpoint (graceful shutdown). */
  drain(): void;
  close(): Promise<void>;
};

/** `simulatorUrl`: the base URL of an endpoint configured without one (`default` when OPENAI_BASE_URL is unset). */
export function createEndpointClients(endpoints: readonly NamedEndpoint[], simulatorUrl: string | null, logger: LlmLogger): EndpointClients {
  const clients = new Map<string, LlmClient>();
  for (const e of endpoints) {
    const baseURL = e.baseURL ?? simulatorUrl;
    if (!baseURL) throw new Error(`endpoint ${e.name} has no base URL and no simulator runs`);
    clients.set(
      e.name,
      createLlmClient(
        {
          baseURL,
          apiKey: e.apiKey,
          concurrency: e.concurrency,
          requestsPerMinute: e.requestsPerMinute,
          tokensPerMinute: e.tokensPerMinute,
          timeoutMs: e.timeoutMs,
          maxRetries: e.maxRetries,
          rateLimitMaxWaitMs: e.rateLimitMaxWaitMs,
          maxTokensParam: e.maxTokensParam,
          batchMaxLines: e.batchMaxLines,
          batchMaxBytes: e.batchMaxBytes,
        },
        { logger },
      ),
    );
  }
  return {
    get(name) {
      const client = clients.get(name);
      if (!client) throw new Error(`no endpoint named "${name}" is configured (configured: ${[...clients.keys()].join(', ')})`);
      return client;
    },
    names: () => [...clients.keys()],
    drain: () => {
      for (const client of clients.values()) client.drain();
    },
    close: async () => {
      await Promise.all([...clients.values()].map((c) => c.close()));
    },
  };
}
