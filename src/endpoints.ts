/**
 * One llm client per named endpoint of the configuration (STE_CONFIG and the `default` endpoint),
 * each with its own connection pool, limiter and usage counters. Built once by createApp, drained
 * and closed with it.
 */
import type { NamedEndpoint } from './config/index.js';
import { createLlmClient } from './llm/index.js';
import type { LlmClient, LlmLogger, LlmObserver } from './llm/index.js';

export type EndpointClients = {
  /** The client of a configured endpoint; throws for any other name (experiments were validated against the same list). */
  get(name: string): LlmClient;
  names(): string[];
  /** Each endpoint's limiter gauges (in flight, queued, adaptive limit, 429s). */
  stats(): Array<{ endpoint: string; inFlight: number; queued: number; concurrencyLimit: number; rateLimited: number }>;
  /** Stops starting requests on every endpoint (graceful shutdown). */
  drain(): void;
  close(): Promise<void>;
};

/**
 * `simulatorUrl`: the base URL of an endpoint configured without one (`default` when OPENAI_BASE_URL
 * is unset). `observerOf`: what sees each endpoint's attempts (metrics, traces).
 */
export function createEndpointClients(endpoints: readonly NamedEndpoint[], simulatorUrl: string | null, logger: LlmLogger, observerOf?: (endpoint: string) => LlmObserver | undefined): EndpointClients {
  const clients = new Map<string, ReturnType<typeof createLlmClient>>();
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
          adaptiveConcurrency: e.adaptiveConcurrency,
        },
        { logger, observer: observerOf?.(e.name) },
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
    stats: () => [...clients].map(([endpoint, c]) => ({ endpoint, ...c.stats() })),
    drain: () => {
      for (const client of clients.values()) client.drain();
    },
    close: async () => {
      await Promise.all([...clients.values()].map((c) => c.close()));
    },
  };
}
