/**
 * One HTTP server: Apollo through express on /graphql, graphql-ws on the same port and path,
 * health checks and streamed exports. `stop()` drains both transports. Both transports apply the
 * same access rules (auth.ts), operation limits (limits.ts) and error policy (errors.ts); the
 * WebSocket side is in websocket.ts.
 */
import { randomUUID } from 'node:crypto';
import { registerTrainingHooks } from './training-hooks.js';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { makeExecutableSchema } from '@graphql-tools/schema';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import { WebSocketServer } from 'ws';
import type { Services } from '../app-services.js';
import type { AccessConfig, ApiLimits } from '../config/index.js';
import type { Logger } from '../logger.js';
import { resolvers } from '../resolvers/index.js';
import { auditMutations } from '../resolvers/audit.js';
import { guardInputs } from '../resolvers/input-guard.js';
import type { Context } from '../resolvers/context.js';
import { httpStatusOf, parseId, ServiceError } from '../domain/errors.js';
import { parquetChunks } from '../services/read/parquet-writer.js';
import { Authenticator, OperationGuard, requireRole } from './auth.js';
import { instructionUploadRouter } from './imports.js';
import type { Principal } from './auth.js';
import { serveDashboard } from './dashboard.js';
import { ConnectionCounter, refuseUpgrade } from './connection-cap.js';
import { formatError, internalErrorReporter } from './errors.js';
import { allRules, limitRules, listSizes, variableCostErrors } from './limits.js';
import { OriginPolicy } from './origin.js';
import { ListenError } from '../start-errors.js';
import { RateLimiter } from './rate-limit.js';
import type { ApiToken } from '../config/tokens.js';
import { serveGraphqlWs } from './websocket.js';
import { projectPath } from '../config/paths.js';
import { metricsHandler, type MetricsSource } from './metrics.js';

export const SCHEMA_PATH = projectPath('schema.graphql');

export type HttpServerOptions = {
  host: string;
  port: number;
  production: boolean;
  /** Limits of both transports (see ApiLimits in config.ts for each default). */
  limits: ApiLimits;
  /** API tokens; none: no authentication (every caller is admin). */
  tokens: readonly ApiToken[];
  /** Hosts and origins allowed in, besides the loopback names and the server's own origin (origin.ts). */
  access: AccessConfig;
  /** How many named endpoints, trainers and prices are configured: the lengths of ServerConfiguration's lists, for the cost limit. */
  configured?: { endpoints: number; trainers: number; prices?: number };
  /** Prometheus metrics: served at GET /metrics to admin tokens, and fed by the WebSocket server. */
  metrics?: MetricsSource & { wsOpened(): void; wsClosed(): void; wsSlowConsumer(): void };
};

export type HttpServer = { url: string; port: number; stop(): Promise<void> };


export async function startHttpServer(services: Services, logger: Logger, options: HttpServerOptions): Promise<HttpServer> {
  // Audited outermost: a mutation refused by the input check is recorded with its code too.
  const schema = auditMutations(guardInputs(makeExecutableSchema({ typeDefs: readFileSync(SCHEMA_PATH, 'utf8'), resolvers })));
  const limits = { ...options.limits, listSizes: listSizes(options.configured ?? { endpoints: 1, trainers: 0 }) };
  const auth = new Authenticator(options.tokens);
  const guard = new OperationGuard(new RateLimiter(limits.mutationsPerMinute), new RateLimiter(limits.queriesPerMinute));
  const rules = limitRules(limits);
  const report = internalErrorReporter(logger);
  const format = (formatted: Parameters<typeof formatError>[0], error: unknown) => formatError(formatted, error, options.production, !limits.fieldSuggestions, report, limits.errorDetails);
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  // noServer: the HTTP server's own errors (a port in use) are reported once, by `listen` below.
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: limits.wsMaxPayloadBytes });
  const perAddress = new ConnectionCounter(limits.maxConnectionsPerIp);
  const origins = new OriginPolicy(options.access);
  httpServer.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/graphql') {
      socket.destroy();
      return;
    }
    const refused = origins.refusal(request.headers);
    if (refused) {
      refuseUpgrade(socket, 403, refused);
      return;
    }
    const address = request.socket.remoteAddress ?? 'unknown';
    if (!perAddress.open(address)) {
      refuseUpgrade(socket, 429, `too many WebSocket connections from ${address}: at most ${limits.maxConnectionsPerIp} at once (WS_MAX_CONNECTIONS_PER_IP)`);
      return;
    }
    socket.once('close', () => perAddress.close(address));
    wsServer.handleUpgrade(request, socket, head, (ws) => wsServer.emit('connection', ws, request));
  });
  const context = (): Context => ({ services, loaders: services.queries.createLoaders() });
  const wsCleanup = serveGraphqlWs(wsServer, {
    schema,
    context,
    logger,
    auth,
    guard,
    rules: allRules(limits),
    variableCostErrors: (document, operationName, variables) => variableCostErrors(schema, document, operationName, variables, limits),
    maxTokens: limits.maxTokens,
    formatError: (e: GraphQLError) => format(e.toJSON(), e),
    connectionInitTimeoutMs: limits.connectionInitTimeoutMs,
    keepAliveMs: limits.keepAliveMs,
    maxSubscriptions: limits.maxSubscriptionsPerConnection,
    maxSubscriptionsPerToken: limits.maxSubscriptionsPerToken,
    maxBufferedBytes: limits.maxBufferedBytes,
    slowConsumerMs: limits.slowConsumerMs,
    ...(options.metrics && { observer: options.metrics }),
  });

  const apollo = new ApolloServer<Context & { principal: Principal }>({
    schema,
    // Introspection is refused by a rule in `rules` when limits.introspection is off, the same on both transports.
    introspection: true,
    hideSchemaDetailsFromClientErrors: !limits.fieldSuggestions,
    validationRules: rules,
    parseOptions: { maxTokens: limits.maxTokens },
    csrfPrevention: true,
    // No automatic persisted queries: a hash-only request is refused (PERSISTED_QUERY_NOT_SUPPORTED).
    persistedQueries: false,
    allowBatchedHttpRequests: false,
    // main.ts owns the signals: it stops the HTTP server, then the workers, queue and database.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: !options.production,
    formatError: format,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { serverWillStart: async () => ({ drainServer: async () => { await wsCleanup.dispose(); } }) },
      {
        // Role and rate checks once the operation is known, before any resolver runs.
        requestDidStart: async () => ({
          didResolveOperation: async ({ contextValue, document, operation, request }) => {
            if (operation?.operation === 'subscription') {
              throw new GraphQLError('subscriptions need the WebSocket transport (graphql-ws) on this same URL', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
            }
            const denied = operation ? guard.check(contextValue.principal, document, operation) : null;
            if (denied) throw denied;
            const [overCost] = variableCostErrors(schema, document, request.operationName, request.variables, limits);
            if (overCost) throw overCost;
          },
        }),
      },
    ],
  });
  await apollo.start();

  app.use(origins.middleware());
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = await services.health();
    res.status(Object.values(checks).every(Boolean) ? 200 : 503).json(checks);
  });
  if (options.metrics) app.get('/metrics', requireRole(auth, 'admin'), metricsHandler(options.metrics, logger));
  app.use('/exports', requireRole(auth, 'reader'));
  // Every export as JSON lines (`FORMAT.jsonl`) or as Parquet (`FORMAT.parquet`, the same rows).
  app.get('/exports/iterations/:id/:file', (req, res) => {
    const file = exportFile(req.params.file);
    return sendExport(res, logger, file.as, () => services.exports.open(parseId('iterationId', req.params.id), file.format));
  });
  app.get('/exports/evaluations/:id/:file', (req, res) => {
    const file = exportFile(req.params.file);
    return sendExport(res, logger, file.as, async () => {
      const lines = await services.evaluations.exportLines(parseId('evaluationId', req.params.id), file.format);
      return { lines, fileName: `evaluation-${Number(req.params.id)}-${file.format}.jsonl` };
    });
  });
  app.use(instructionUploadRouter(services, auth, logger));
  registerTrainingHooks(app, services, (res, open) => sendLines(res, logger, open));
  // The token is checked before the body is read: a caller without one cannot make the server parse anything.
  app.use(
    '/graphql',
    requireRole(auth, 'reader'),
    express.json({ limit: limits.bodyLimitBytes }),
    expressMiddleware(apollo, { context: async ({ res }) => ({ ...context(), principal: res.locals.principal as Principal }) }),
  );
  app.use(serveDashboard());
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => requestError(error, res, next, logger));

  await listen(httpServer, options).catch(async (error: unknown) => {
    await apollo.stop().catch(() => {});
    throw error;
  });
  const port = (httpServer.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/graphql`,
    port,
    async stop() {
      await apollo.stop();
      wsServer.close();
    },
  };
}

/** Errors before Apollo (body too large, malformed JSON) as GraphQL-shaped JSON, never an HTML page with a stack. */
function requestError(error: unknown, res: Response, next: NextFunction, logger: Logger): void {
  if (res.headersSent) return next(error);
  const e = error as { status?: number; type?: string; limit?: number; expose?: boolean; message?: string };
  if (e.type === 'entity.too.large') {
    res.status(413).json({ errors: [{ message: `the request body is larger than ${e.limit} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
  } else if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    // body-parser's client errors (malformed JSON, unsupported charset) say nothing about the server.
    const message = e.type === 'entity.parse.failed' ? 'the request body is not valid JSON' : e.expose && e.message ? e.message : 'bad request';
    res.status(e.status).json({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
  } else {
    const errorId = randomUUID();
    logger.error({ err: error, errorId }, 'request failed');
    res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', errorId } }] });
  }
}

function listen(httpServer: http.Server, options: HttpServerOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    httpServer.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new ListenError(
          error.code === 'EADDRINUSE'
            ? `port ${options.port} on ${options.host} is already in use: stop the other process or set PORT (example: PORT=4001)`
            : `cannot listen on ${options.host}:${options.port}: ${error.message}`,
        ),
      );
    });
    httpServer.listen(options.port, options.host, () => resolve());
  });
}

/** "judgments.jsonl" -> "judgments"; anything else is passed on for the service to refuse. */
type ExportAs = 'jsonl' | 'parquet';

/** `judgments.jsonl` -> judgments as JSON lines, `judgments.parquet` -> as Parquet; anything else is a format the service refuses by name. */
function exportFile(file: string): { format: string; as: ExportAs } {
  const match = /^([a-z-]+)\.(jsonl|parquet)$/.exec(file);
  return match ? { format: match[1]!, as: match[2] as ExportAs } : { format: file, as: 'jsonl' };
}

/** An export as JSON lines, or as a Parquet file written a row group at a time as the lines come. */
function sendExport(res: Response, logger: Logger, as: ExportAs, open: () => Promise<{ lines: AsyncGenerator<string>; fileName: string }>): Promise<void> {
  if (as === 'jsonl') return sendLines(res, logger, open);
  return sendStream(res, logger, 'application/vnd.apache.parquet', async () => {
    const opened = await open();
    return { fileName: opened.fileName.replace(/\.jsonl$/, '.parquet'), chunks: parquetChunks(opened.lines) };
  });
}

/**
 * Streams an export as JSON lines, as an attachment named `fileName`. A ServiceError before the
 * first line is answered with its status (404 NOT_FOUND, 409 CONFLICT, 400 BAD_USER_INPUT) and
 * `{ error, code }`.
 */
async function sendLines(res: Response, logger: Logger, open: () => Promise<{ lines: AsyncGenerator<string>; fileName: string }>): Promise<void> {
  return sendStream(res, logger, 'application/x-ndjson; charset=utf-8', async () => {
    const opened = await open();
    return { fileName: opened.fileName, chunks: withNewlines(opened.lines) };
  });
}

async function* withNewlines(lines: AsyncGenerator<string>): AsyncGenerator<string> {
  for await (const line of lines) yield `${line}\n`;
}

/** Streams chunks as an attachment; a ServiceError before the first chunk is answered as for sendLines. */
async function sendStream(res: Response, logger: Logger, contentType: string, open: () => Promise<{ chunks: AsyncGenerator<string | Uint8Array>; fileName: string }>): Promise<void> {
  let chunks: AsyncGenerator<string | Uint8Array>;
  try {
    const opened = await open();
    chunks = opened.chunks;
    res.setHeader('content-disposition', `attachment; filename="${opened.fileName}"`);
  } catch (error) {
    if (error instanceof ServiceError) {
      res.status(httpStatusOf(error.code)).json({ error: error.message, code: error.code });
      return;
    }
    throw error;
  }
  res.setHeader('content-type', contentType);
  try {
    for await (const chunk of chunks) {
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      if (res.destroyed) break;
    }
    res.end();
  } catch (error) {
    logger.error({ err: error }, 'export failed mid-stream');
    res.destroy(error as Error);
  }
}
