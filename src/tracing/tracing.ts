/**
 * OpenTelemetry traces: the one module that touches the OpenTelemetry SDK. Only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set does app.ts call `startTracing`, which loads the SDK (dynamic
 * imports: without the variable none of it is loaded) and sends spans over OTLP/HTTP (JSON) to
 * `<endpoint>/v1/traces`:
 * - `ste.stage_batch`: one per stage batch a worker runs, with `ste.stage.id`, `ste.stage.kind`,
 *   `ste.experiment.id`, `ste.iteration.id` (when the stage has one) and `ste.batch.items`;
 * - `chat.completions` (the llm operation): one per HTTP attempt to a model endpoint, a child of its
 *   batch's span, with `ste.endpoint`, `gen_ai.request.model`, the call's tags (`ste.stage`,
 *   `ste.iteration`, `ste.experiment`) and `http.response.status_code`.
 */
import type { Attributes, Span, Tracer } from '@opentelemetry/api';
import type { LlmObserver } from '../llm/index.js';

export type StageBatchInfo = { stageId: number; kind: string; experimentId: number | null; iterationId: number | null; items: number };

export type Tracing = {
  /** The observer that makes a span of each attempt of `endpoint`'s client. */
  llmObserver(endpoint: string): LlmObserver;
  /** Runs `fn` inside the span of one stage batch (the LLM spans it starts are its children). */
  stageBatch<T>(info: StageBatchInfo, fn: () => Promise<T>): Promise<T>;
  /** Sends the spans still buffered and stops. */
  shutdown(): Promise<void>;
};

/** Starts the SDK's tracer provider with the OTLP/HTTP exporter of `endpoint` (a base URL, as OTEL_EXPORTER_OTLP_ENDPOINT). */
export async function startTracing(endpoint: string, serviceName: string, options: { batchDelayMs?: number } = {}): Promise<Tracing> {
  const [api, node, base, exporterModule, resources] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const exporter = new exporterModule.OTLPTraceExporter({ url: `${endpoint}/v1/traces` });
  const provider = new node.NodeTracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new base.BatchSpanProcessor(exporter, { scheduledDelayMillis: options.batchDelayMs ?? 5_000 })],
  });
  // Registers the AsyncLocalStorage context manager: a batch's span is the parent of its calls' spans.
  provider.register();
  const tracer: Tracer = provider.getTracer('self-taught-evaluator');
  const SpanStatusCode = api.SpanStatusCode;

  const end = (span: Span, error: unknown) => {
    if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message.slice(0, 500) : String(error) });
    span.end();
  };

  return {
    llmObserver: (endpointName) => ({
      attempt: ({ op, model, tags }) => {
        const attributes: Attributes = { 'ste.endpoint': endpointName };
        if (model !== undefined) attributes['gen_ai.request.model'] = model;
        for (const [key, value] of Object.entries(tags ?? {})) attributes[`ste.${key}`] = value;
        const span = tracer.startSpan(op, { attributes, kind: api.SpanKind.CLIENT });
        return ({ status }) => {
          const code = Number(status);
          if (Number.isInteger(code)) span.setAttribute('http.response.status_code', code);
          else span.setAttribute('error.type', status);
          if (!(code >= 200 && code < 300)) span.setStatus({ code: SpanStatusCode.ERROR, message: status });
          span.end();
        };
      },
      retry: () => undefined,
    }),

    stageBatch: (info, fn) => {
      const attributes: Attributes = { 'ste.stage.id': info.stageId, 'ste.stage.kind': info.kind, 'ste.batch.items': info.items };
      if (info.experimentId !== null) attributes['ste.experiment.id'] = info.experimentId;
      if (info.iterationId !== null) attributes['ste.iteration.id'] = info.iterationId;
      return tracer.startActiveSpan('ste.stage_batch', { attributes }, async (span) => {
        try {
          const value = await fn();
          end(span, undefined);
          return value;
        } catch (error) {
          end(span, error);
          throw error;
        }
      });
    },

    shutdown: () => provider.shutdown(),
  };
}

/** Both observers of an endpoint (metrics and traces) as one. */
export function bothObservers(a: LlmObserver, b: LlmObserver | undefined): LlmObserver {
  if (!b) return a;
  return {
    attempt: (o) => {
      const endA = a.attempt(o);
      const endB = b.attempt(o);
      return (outcome) => {
        endA(outcome);
        endB(outcome);
      };
    },
    retry: (o) => {
      a.retry(o);
      b.retry(o);
    },
  };
}
