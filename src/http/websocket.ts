/**
 * graphql-ws on a `ws` server: the adapter between graphql-ws's transport-free `makeServer` and
 * the sockets, with the API's rules for this transport, each in a small file of its own:
 *
 * - auth (here): the caller's token comes in connection_init (`{ authorization: 'Bearer …' }` or
 *   `{ token }`); without a valid one the socket is closed with 4401 before any operation starts;
 * - limits (ws-operations.ts): every operation passes the same parse, validation, cost, role and
 *   rate checks as on HTTP, and at most `maxSubscriptions` run at once per connection;
 * - keep-alive (ws-keepalive.ts): a ping every `keepAliveMs`; a silent socket is terminated;
 * - slow consumers (ws-send.ts): a buffer cap per socket, past which it is closed with 4290;
 * - frame batching (ws-batch.ts, ws-frames.ts): batched events are executed and serialised once for
 *   every subscriber with the same selection (subscribe.ts); each socket only frames the shared
 *   bytes with its operation id, and a socket's messages of one slice leave in one write.
 */
import type { IncomingMessage } from 'node:http';
import { GraphQLError, getOperationAST } from 'graphql';
import type { GraphQLFormattedError } from 'graphql';
import { CloseCode, makeServer } from 'graphql-ws';
import type { Context as WsContext } from 'graphql-ws';
import { WebSocket } from 'ws';
import type { WebSocketServer } from 'ws';
import type { Logger } from '../logger.js';
import { rateKey, rateUnit } from './auth.js';
import type { Authenticator, Principal } from './auth.js';
import { ConnectionCounter } from './connection-cap.js';
import { RenderedBatch, assertSharable, sharedSubscribe } from './subscribe.js';
import { batchReplacer, takeBatch } from './ws-batch.js';
import { startKeepAlive } from './ws-keepalive.js';
import { checkOperation } from './ws-operations.js';
import type { OperationChecks } from './ws-operations.js';
import { send, sendBatch, SLOW_CONSUMER } from './ws-send.js';
import type { SendLimits } from './ws-send.js';

export { SLOW_CONSUMER } from './ws-send.js';

/** Close code and reason for a connection_init without a valid token. */
export const UNAUTHORIZED = { code: CloseCode.Unauthorized, reason: 'Unauthorized: send a valid API token in connection_init' } as const;

export type WebSocketOptions = OperationChecks &
  SendLimits & {
    logger: Logger;
    auth: Authenticator;
    formatError: (error: GraphQLError) => GraphQLFormattedError;
    /** WS_CONNECTION_INIT_TIMEOUT_MS. */
    connectionInitTimeoutMs: number;
    /** WS_KEEPALIVE_MS; 0: no pings. */
    keepAliveMs: number;
    /** MAX_SUBSCRIPTIONS_PER_TOKEN: subscriptions running at once per token (per address without tokens), over all connections; 0: no cap. */
    maxSubscriptionsPerToken: number;
    /** Sees connections open and close, and slow consumers closed (metrics). */
    observer?: { wsOpened(): void; wsClosed(): void; wsSlowConsumer(): void };
  };

/** `held`: this connection's running subscriptions (operation id -> rate key), each counted once against its key's cap. */
type Extra = { socket: WebSocket; request: IncomingMessage; principal: Principal | null; held: Map<string, string> };
type Ctx = WsContext<Record<string, unknown> | undefined, Extra>;

export function serveGraphqlWs(wss: WebSocketServer, o: WebSocketOptions): { dispose(): Promise<void> } {
  assertSharable(o.schema);
  const running = new ConnectionCounter(o.maxSubscriptionsPerToken);
  const release = (extra: Extra, id: string) => {
    const key = extra.held.get(id);
    if (key === undefined) return;
    extra.held.delete(id);
    running.close(key);
  };
  const server = makeServer<Record<string, unknown> | undefined, Extra>({
    schema: o.schema,
    subscribe: sharedSubscribe({ context: o.context, formatError: o.formatError }) as never,
    jsonMessageReplacer: batchReplacer,
    connectionInitWaitTimeout: o.connectionInitTimeoutMs,
    onConnect: (ctx) => {
      const principal = o.auth.fromConnectionParams(ctx.connectionParams, ctx.extra.request.socket.remoteAddress);
      if (!principal) {
        ctx.extra.socket.close(UNAUTHORIZED.code, UNAUTHORIZED.reason);
        return false;
      }
      ctx.extra.principal = principal;
      return true;
    },
    onSubscribe: (ctx: Ctx, id, payload) => {
      const principal = ctx.extra.principal!;
      const checked = checkOperation(o, principal, Object.keys(ctx.subscriptions).length, payload);
      if (Array.isArray(checked) || getOperationAST(checked.document, checked.operationName)?.operation !== 'subscription') return checked;
      const key = rateKey(principal);
      if (!running.open(key)) {
        return [
          new GraphQLError(`too many subscriptions: at most ${o.maxSubscriptionsPerToken} at once ${rateUnit(principal)} over all its connections (MAX_SUBSCRIPTIONS_PER_TOKEN); complete one first`, {
            extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
          }),
        ];
      }
      ctx.extra.held.set(id, key);
      return checked;
    },
    onComplete: (ctx: Ctx, id) => release(ctx.extra, id),
    onClose: (ctx: Ctx) => {
      for (const id of [...ctx.extra.held.keys()]) release(ctx.extra, id);
    },
    onNext: (_ctx, _id, _payload, _args, result) => {
      if ((result as unknown) instanceof RenderedBatch) return result; // as it is: graphql-ws would copy it into a plain object
      return result.errors ? { ...result, errors: result.errors.map(o.formatError) } : undefined;
    },
    onError: (_ctx, _id, _payload, errors) => errors.map(o.formatError),
  });

  const cleanups = new Map<WebSocket, (code: number, reason: string) => void>();
  const keepAlive = startKeepAlive(wss, o.keepAliveMs);

  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    // ws closes the socket itself on protocol errors (1009 for a message over maxPayload, 1002, ...).
    socket.on('error', (error) => o.logger.debug({ err: error.message }, 'websocket protocol error'));
    if (o.observer) {
      const observer = o.observer;
      observer.wsOpened();
      socket.once('close', () => observer.wsClosed());
    }
    keepAlive.watch(socket);
    let closed: ((code: number, reason: string) => Promise<void>) | null = null;
    // Stops the connection's operations once, on close or as soon as it is found too slow.
    const cleanup = (code: number, reason: string) => {
      const stop = closed;
      closed = null;
      cleanups.delete(socket);
      keepAlive.forget(socket);
      stop?.(code, reason).catch((error: unknown) => o.logger.error({ err: error }, 'stopping websocket operations failed'));
    };
    const slow = () => {
      if (socket.readyState !== WebSocket.OPEN) return;
      o.logger.info({ bufferedBytes: socket.bufferedAmount }, 'closing a slow websocket consumer');
      o.observer?.wsSlowConsumer();
      socket.close(SLOW_CONSUMER.code, SLOW_CONSUMER.reason);
      cleanup(SLOW_CONSUMER.code, SLOW_CONSUMER.reason);
    };
    const extra: Extra = { socket, request, principal: null, held: new Map() };
    closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) => {
          const batch = takeBatch(data);
          return batch ? sendBatch(socket, batch, o, slow) : send(socket, data, o, slow);
        },
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data: Buffer) => {
            const text = data.toString();
            // A completed subscription frees its slot at once: graphql-ws ends it (and calls
            // onComplete) only once its source yields again, which may be never.
            if (extra.held.size > 0 && text.includes('"complete"')) releaseCompleted(extra, text, release);
            handle(text).catch((error: unknown) => {
              o.logger.error({ err: error }, 'websocket message failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      extra,
    );
    cleanups.set(socket, cleanup);
    socket.once('close', (code: number, reason: Buffer) => cleanup(code, reason.toString()));
  });

  return {
    async dispose() {
      keepAlive.stop();
      for (const socket of wss.clients) socket.close(1001, 'Going away');
      for (const cleanup of [...cleanups.values()]) cleanup(1001, 'Going away');
      wss.removeAllListeners('connection');
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function releaseCompleted(extra: Extra, text: string, release: (extra: Extra, id: string) => void): void {
  try {
    const message = JSON.parse(text) as { type?: unknown; id?: unknown };
    if (message.type === 'complete' && typeof message.id === 'string') release(extra, message.id);
  } catch {
    // graphql-ws answers a malformed message itself.
  }
}
