/**
 * graphql-ws on a `ws` server, with the API's rules for this transport:
 *
 * - the caller's token comes in connection_init (`{ authorization: 'Bearer …' }` or `{ token }`);
 *   without a valid one the socket is closed with 4401 before any operation can start;
 * - every operation is parsed with the token cap and validated with the same rule list as HTTP,
 *   then passes the same role and rate checks, all before any resolver runs;
 * - at most `maxSubscriptions` operations run at once per connection;
 * - keep-alive: a ping every `keepAliveMs`; a socket that has not answered the previous one is terminated;
 * - slow consumers: a socket may have at most `maxBufferedBytes` waiting to be sent. Past half of
 *   that, the next message waits for the socket to drain (a replay reads the table faster than a
 *   network carries it), for at most `slowConsumerMs`. A socket that cannot drain in that time, or
 *   would go past the cap, is closed with SLOW_CONSUMER (4290) and its streams stop at once; the
 *   client resumes with `afterSeq`. Each socket waits only for itself, so nobody else slows down;
 * - fan-out: batched events are executed and serialised once for every subscriber with the same
 *   selection (src/http/subscribe.ts); each socket then only frames the shared bytes with its
 *   operation id. Sends run in slices of a few ms between event-loop turns, and a socket's
 *   messages of one slice leave in one write (bench/fanout.ts measures it).
 */
import type { IncomingMessage } from 'node:http';
import { GraphQLError, getOperationAST, parse, validate } from 'graphql';
import type { DocumentNode, GraphQLFormattedError, GraphQLSchema, ValidationRule } from 'graphql';
import { CloseCode, makeServer } from 'graphql-ws';
import type { Context as WsContext } from 'graphql-ws';
import { WebSocket } from 'ws';
import type { WebSocketServer } from 'ws';
import type { Logger } from '../logger.js';
import type { Context } from '../resolvers/context.js';
import type { Authenticator, OperationGuard, Principal } from './auth.js';
import { RenderedBatch, assertSharable, sharedSubscribe } from './subscribe.js';

/** Close code and reason sent to a client that cannot keep up; it should resubscribe with afterSeq. */
export const SLOW_CONSUMER = { code: 4290, reason: 'slow consumer: resume with afterSeq' } as const;
/** Close code and reason for a connection_init without a valid token. */
export const UNAUTHORIZED = { code: CloseCode.Unauthorized, reason: 'Unauthorized: send a valid API token in connection_init' } as const;

export type WebSocketOptions = {
  schema: GraphQLSchema;
  context: () => Context;
  logger: Logger;
  auth: Authenticator;
  guard: OperationGuard;
  /** Every validation rule, graphql-js's specified ones included. */
  rules: readonly ValidationRule[];
  /** The cost check that needs the operation's variables (limits.ts). */
  variableCostErrors: (document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined) => readonly GraphQLError[];
  maxTokens: number;
  formatError: (error: GraphQLError) => GraphQLFormattedError;
  connectionInitTimeoutMs: number;
  keepAliveMs: number;
  maxSubscriptions: number;
  maxBufferedBytes: number;
  slowConsumerMs: number;
};

type Extra = { socket: WebSocket; request: IncomingMessage; principal: Principal | null };
type Ctx = WsContext<Record<string, unknown> | undefined, Extra>;

export function serveGraphqlWs(wss: WebSocketServer, o: WebSocketOptions): { dispose(): Promise<void> } {
  assertSharable(o.schema);
  const server = makeServer<Record<string, unknown> | undefined, Extra>({
    schema: o.schema,
    subscribe: sharedSubscribe({ context: o.context, formatError: o.formatError }) as never,
    jsonMessageReplacer: batchReplacer,
    connectionInitWaitTimeout: o.connectionInitTimeoutMs,
    onConnect: (ctx) => {
      const principal = o.auth.fromConnectionParams(ctx.connectionParams);
      if (!principal) {
        ctx.extra.socket.close(UNAUTHORIZED.code, UNAUTHORIZED.reason);
        return false;
      }
      ctx.extra.principal = principal;
      return true;
    },
    onSubscribe: (ctx: Ctx, _id, payload) => {
      // graphql-ws has already reserved this operation's slot in ctx.subscriptions.
      if (Object.keys(ctx.subscriptions).length > o.maxSubscriptions) {
        return [coded(`too many operations on one connection: at most ${o.maxSubscriptions} at once; complete one first`, 'TOO_MANY_SUBSCRIPTIONS')];
      }
      let document;
      try {
        document = parse(payload.query, { maxTokens: o.maxTokens });
      } catch (error) {
        return [recode(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
      }
      const errors = validate(o.schema, document, o.rules);
      if (errors.length > 0) return errors.map((e) => recode(e, 'GRAPHQL_VALIDATION_FAILED'));
      const overCost = o.variableCostErrors(document, payload.operationName, payload.variables);
      if (overCost.length > 0) return [...overCost];
      const operation = getOperationAST(document, payload.operationName);
      if (!operation) return [coded('the document has no operation of that name, or several operations and no operationName', 'BAD_REQUEST')];
      const denied = o.guard.check(ctx.extra.principal!, document, operation);
      if (denied) return [denied];
      return { schema: o.schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue: o.context() };
    },
    onNext: (_ctx, _id, _payload, _args, result) => {
      if ((result as unknown) instanceof RenderedBatch) return result; // as it is: graphql-ws would copy it into a plain object
      return result.errors ? { ...result, errors: result.errors.map(o.formatError) } : undefined;
    },
    onError: (_ctx, _id, _payload, errors) => errors.map(o.formatError),
  });

  const cleanups = new Map<WebSocket, (code: number, reason: string) => void>();
  const awaitingPong = new Set<WebSocket>();
  const keepAlive =
    o.keepAliveMs > 0
      ? setInterval(() => {
          for (const socket of wss.clients) {
            if (awaitingPong.has(socket)) {
              socket.terminate();
              continue;
            }
            awaitingPong.add(socket);
            socket.ping();
          }
        }, o.keepAliveMs)
      : null;
  keepAlive?.unref();

  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    // ws closes the socket itself on protocol errors (1009 for a message over maxPayload, 1002, ...).
    socket.on('error', (error) => o.logger.debug({ err: error.message }, 'websocket protocol error'));
    socket.on('pong', () => awaitingPong.delete(socket));
    let closed: ((code: number, reason: string) => Promise<void>) | null = null;
    // Stops the connection's operations once, on close or as soon as it is found too slow.
    const cleanup = (code: number, reason: string) => {
      const stop = closed;
      closed = null;
      cleanups.delete(socket);
      awaitingPong.delete(socket);
      stop?.(code, reason).catch((error: unknown) => o.logger.error({ err: error }, 'stopping websocket operations failed'));
    };
    const slow = () => {
      if (socket.readyState !== WebSocket.OPEN) return;
      o.logger.info({ bufferedBytes: socket.bufferedAmount }, 'closing a slow websocket consumer');
      socket.close(SLOW_CONSUMER.code, SLOW_CONSUMER.reason);
      cleanup(SLOW_CONSUMER.code, SLOW_CONSUMER.reason);
    };
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
            handle(data.toString()).catch((error: unknown) => {
              o.logger.error({ err: error }, 'websocket message failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      { socket, request, principal: null },
    );
    cleanups.set(socket, cleanup);
    socket.once('close', (code: number, reason: Buffer) => cleanup(code, reason.toString()));
  });

  return {
    async dispose() {
      if (keepAlive) clearInterval(keepAlive);
      for (const socket of wss.clients) socket.close(1001, 'Going away');
      for (const cleanup of [...cleanups.values()]) cleanup(1001, 'Going away');
      wss.removeAllListeners('connection');
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** Sends run in slices of this many ms; then the event loop gets a turn. */
const SLICE_MS = 5;
let sliceEnds = 0;
/** Sockets corked in this turn, with the uncork that flushes them. */
const corked = new Map<WebSocket, () => void>();

async function send(socket: WebSocket, data: string, o: WebSocketOptions, slow: () => void): Promise<void> {
  if (socket.readyState !== WebSocket.OPEN) return;
  if (socket.bufferedAmount + Buffer.byteLength(data) > o.maxBufferedBytes) return slow();
  cork(socket);
  const flushed = new Promise<boolean>((resolve) => socket.send(data, () => resolve(true)));
  if (socket.bufferedAmount <= o.maxBufferedBytes / 2) {
    // A commit fanned out to hundreds of sockets runs as microtasks: past the slice, let the event
    // loop (HTTP requests, pings, the workers) have a turn before the next message.
    if (performance.now() > sliceEnds) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceEnds = Math.max(sliceEnds, performance.now() + SLICE_MS);
    }
    return;
  }
  corked.get(socket)?.();
  let timer: NodeJS.Timeout | undefined;
  const drained = await Promise.race([flushed, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), o.slowConsumerMs)))]);
  clearTimeout(timer);
  if (!drained) slow();
}

/**
 * A RenderedBatch travels from graphql-ws's `next` to the socket beside the message text:
 * graphql-ws stringifies each message with this replacer and passes the text straight to
 * `socket.send` in the same synchronous step (`socket.send(stringifyMessage(message, replacer))`),
 * so the batch noted here belongs to the very next send, which `takeBatch` checks by its id.
 * The batch's messages are then written by `sendBatch`, one `next` message per value.
 */
let pendingBatch: { id: string; batch: RenderedBatch; text: string } | null = null;

function batchReplacer(this: unknown, key: string, value: unknown): unknown {
  if (key !== 'payload' || !(value instanceof RenderedBatch)) return value;
  const id = (this as { id: string }).id;
  pendingBatch = { id, batch: value, text: `{"id":${JSON.stringify(id)},"type":"next","payload":null}` };
  return null;
}

function takeBatch(data: string): { id: string; batch: RenderedBatch } | null {
  const pending = pendingBatch;
  pendingBatch = null;
  if (!pending) return null;
  if (data !== pending.text) throw new Error('graphql-ws did not send a rendered batch right after stringifying it');
  return pending;
}

const TEXT = { binary: false } as const;
const CLOSE_BRACE = Buffer.from('}');

/**
 * One `next` message per payload, under the same buffer cap and drain wait as `send`. Messages go
 * out in chunks of at most a quarter of the cap, each chunk in one write; past half the cap, the
 * next chunk waits for the socket to drain.
 */
async function sendBatch(socket: WebSocket, { id, batch }: { id: string; batch: RenderedBatch }, o: WebSocketOptions, slow: () => void): Promise<void> {
  const prefix = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
  const { payloads } = batch;
  const overhead = prefix.length + CLOSE_BRACE.length + 10; // + the largest frame header
  for (let from = 0; from < payloads.length; ) {
    if (socket.readyState !== WebSocket.OPEN) return;
    let to = from + 1;
    let bytes = payloads[from]!.length + overhead;
    while (to < payloads.length && bytes + payloads[to]!.length + overhead <= o.maxBufferedBytes / 4) bytes += payloads[to++]!.length + overhead;
    if (socket.bufferedAmount + bytes > o.maxBufferedBytes) return slow();
    cork(socket);
    if (socket.bufferedAmount + bytes <= o.maxBufferedBytes / 2) {
      writeNext(socket, prefix, payloads, from, to);
    } else {
      const flushed = new Promise<boolean>((resolve) => writeNext(socket, prefix, payloads, from, to, () => resolve(true)));
      corked.get(socket)?.();
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([flushed, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), o.slowConsumerMs)))]);
      clearTimeout(timer);
      if (!drained) return slow();
    }
    from = to;
  }
  if (performance.now() > sliceEnds) {
    await new Promise((resolve) => setImmediate(resolve));
    sliceEnds = Math.max(sliceEnds, performance.now() + SLICE_MS);
  }
}

/** What of ws's internals the pre-framed path needs: its net.Socket and its sender's queue. */
type WsInternals = { _socket?: { write(data: Buffer, done?: () => void): boolean }; _sender?: { _state: number; _queue: unknown[] } };

/**
 * Writes payloads[from..to) as `next` messages of operation `prefix`. ws frames and writes each
 * message on its own (two buffers and a write request each: the bulk of a fan-out's CPU), so when
 * it is safe the messages are framed here and leave in one write: ws's sender then has nothing
 * queued (it queues only while compressing, which this server never negotiates, or reading a
 * Blob, which it never sends), so frames cannot interleave with its own. Otherwise, ws.send each.
 */
function writeNext(socket: WebSocket, prefix: Buffer, payloads: readonly Buffer[], from: number, to: number, done?: () => void): void {
  const { _socket: raw, _sender: sender } = socket as unknown as WsInternals;
  if (raw && sender && sender._state === 0 && sender._queue.length === 0 && socket.extensions === '') {
    raw.write(textFrames(prefix, payloads, from, to), done);
    return;
  }
  for (let i = from; i < to; i++) socket.send(Buffer.concat([prefix, payloads[i]!, CLOSE_BRACE]), TEXT, i === to - 1 ? done : undefined);
}

/** Unmasked (server to client) final text frames of `prefix + payload + "}"`, one per payload, in one buffer. */
export function textFrames(prefix: Buffer, payloads: readonly Buffer[], from = 0, to = payloads.length): Buffer {
  let size = 0;
  for (let i = from; i < to; i++) {
    const length = prefix.length + payloads[i]!.length + 1;
    size += length + (length < 126 ? 2 : length < 65_536 ? 4 : 10);
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = from; i < to; i++) {
    const payload = payloads[i]!;
    const length = prefix.length + payload.length + 1;
    out[at++] = 0x81; // FIN, opcode 1 (text)
    if (length < 126) {
      out[at++] = length;
    } else if (length < 65_536) {
      out[at++] = 126;
      at = out.writeUInt16BE(length, at);
    } else {
      out[at++] = 127;
      at = out.writeUInt32BE(Math.floor(length / 2 ** 32), at);
      at = out.writeUInt32BE(length >>> 0, at);
    }
    at += prefix.copy(out, at);
    at += payload.copy(out, at);
    out[at++] = 0x7d; // }
  }
  return out;
}

/**
 * Holds a socket's writes until the end of this event-loop turn, so that the messages of one slice
 * leave in one system call instead of one each. (ws has no batching of its own; `_socket` is its
 * net.Socket, and cork/uncork nest with ws's own.)
 */
function cork(socket: WebSocket): void {
  const raw = (socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
  if (!raw || corked.has(socket)) return;
  const uncork = () => {
    if (corked.get(socket) !== uncork) return;
    corked.delete(socket);
    raw.uncork();
  };
  corked.set(socket, uncork);
  raw.cork();
  setImmediate(uncork);
}

function coded(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/** The same error with an extensions.code, so that both transports report it alike. */
function recode(error: GraphQLError, code: string): GraphQLError {
  if (!(error instanceof GraphQLError)) return coded(String(error), code);
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code: (error.extensions.code as string | undefined) ?? code },
  });
}
