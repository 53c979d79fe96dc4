/**
 * One HTTP server: Apollo through express on /graphql, graphql-ws on the same port and path,
 * health checks and streamed exports. `stop()` drains both transports.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { makeExecutableSchema } from '@graphql-tools/schema';
import express from 'express';
import type { GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Services } from '../app-services.js';
import type { Logger } from '../logger.js';
import { resolvers } from '../resolvers/index.js';
import type { Context } from '../resolvers/context.js';
import { ServiceError } from '../services/errors.js';
import { formatError } from './errors.js';

export const SCHEMA_PATH = fileURLToPath(new URL('../../schema.graphql', import.meta.url));

export type HttpServerOptions = {
  host: string;
  port: number;
  production: boolean;
  /** Largest HTTP request body, bytes. */
  bodyLimitBytes: number;
  /** Largest WebSocket message, bytes. */
  maxPayloadBytes: number;
  /** Close sockets that send no connection_init within this many ms. */
  connectionInitTimeoutMs: number;
};

export type HttpServer = { url: string; port: number; stop(): Promise<void> };

/** Raised when the port cannot be bound; the message is one line for the operator. */
export class ListenError extends Error {}

export async function startHttpServer(services: Services, logger: Logger, options: HttpServerOptions): Promise<HttpServer> {
  const schema = makeExecutableSchema({ typeDefs: readFileSync(SCHEMA_PATH, 'utf8'), resolvers });
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  // noServer: the HTTP server's own errors (a port in use) are reported once, by `listen` below.
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
  httpServer.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/graphql') {
      socket.destroy();
      return;
    }
    wsServer.handleUpgrade(request, socket, head, (ws) => wsServer.emit('connection', ws, request));
  });
  const context = (): Context => ({ services, loaders: services.queries.createLoaders() });
  const wsCleanup = useServer(
    {
      schema,
      context,
      connectionInitWaitTimeout: options.connectionInitTimeoutMs,
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e, options.production)) } : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.map((e: GraphQLError) => formatError(e.toJSON(), e, options.production)),
    },
    wsServer,
  );

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: true,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // main.ts owns the signals: it stops the HTTP server, then the workers, queue and database.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: !options.production,
    formatError: (formatted, error) => formatError(formatted, error, options.production),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { serverWillStart: async () => ({ drainServer: async () => { await wsCleanup.dispose(); } }) },
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = await services.health();
    res.status(Object.values(checks).every(Boolean) ? 200 : 503).json(checks);
  });
  app.get('/exports/iterations/:id/:file', async (req, res) => {
    const match = /^([a-z-]+)\.jsonl$/.exec(req.params.file);
    let lines: AsyncGenerator<string>;
    try {
      lines = await services.exports.open(req.params.id, match?.[1] ?? req.params.file);
    } catch (error) {
      if (error instanceof ServiceError) {
        res.status(error.code === 'NOT_FOUND' ? 404 : 400).json({ error: error.message, code: error.code });
        return;
      }
      throw error;
    }
    res.setHeader('content-type', 'application/x-ndjson; charset=utf-8');
    try {
      for await (const line of lines) {
        if (!res.write(`${line}\n`)) await new Promise((resolve) => res.once('drain', resolve));
        if (res.destroyed) break;
      }
      res.end();
    } catch (error) {
      logger.error({ err: error }, 'export failed mid-stream');
      res.destroy(error as Error);
    }
  });
  app.use('/graphql', express.json({ limit: options.bodyLimitBytes }), expressMiddleware(apollo, { context: async () => context() }));

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
