/**
 * The CLI's only way to the service: GraphQL over HTTP (fetch), subscriptions over graphql-ws
 * (the `ws` package, as Node 20 has no global WebSocket) and plain GETs for the exports. Every
 * failure becomes a `CliError` whose message is one line an operator can act on.
 *
 * Operations are only the typed documents of generated/cli-operations.ts (written by `npm run
 * codegen` from src/cli/operations/*.graphql and checked against schema.graphql there): `request`
 * and `subscribe` take no plain string, so no command can send a query built at run time, and
 * the result and variable types are the ones codegen derived from the schema.
 */
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { TypedDocumentString } from '../../generated/cli-operations.js';
import type { CliConfig } from './config.js';
import { siblingUrl } from './config.js';
import { CliError, cliWording } from './errors.js';

export type GraphqlError = { message: string; extensions?: { code?: string; field?: string; [key: string]: unknown } };
type GraphqlResponse<T> = { data?: T | null; errors?: GraphqlError[] };

/** Handlers of one subscription. `error` gets a `CliError` whose `transient` says whether to retry. */
export type SubscriptionSink<T> = {
  next(data: T): void;
  error(error: SubscriptionError): void;
  complete(): void;
};

/** A subscription that ended with an error; transient ones (a dropped socket) are worth resubscribing. */
export class SubscriptionError extends CliError {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'SubscriptionError';
  }
}

/** The server answered with GraphQL errors; `errors` keeps their extensions (codes, rejected rows). */
export class GraphqlRequestError extends CliError {
  override name = 'GraphqlRequestError';
  constructor(
    message: string,
    readonly errors: GraphqlError[],
  ) {
    super(message);
  }
}

/** The server could not be reached (or stopped answering): worth retrying while watching. */
export class NetworkError extends CliError {
  override name = 'NetworkError';
}

/** Mutations that import files may take a while on a large batch; queries answer in well under this. */
const REQUEST_TIMEOUT_MS = 120_000;

export class ApiClient {
  private socket: Client | null = null;

  constructor(readonly config: CliConfig) {}

  /** Runs a query or mutation; GraphQL errors, HTTP errors and network errors all throw a CliError. */
  async request<T, V>(document: TypedDocumentString<T, V>, variables: V): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.config.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...this.authHeader() },
        body: JSON.stringify({ query: document.toString(), variables }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw unreachable(this.config.url, error);
    }
    let body: GraphqlResponse<T>;
    try {
      body = (await response.json()) as GraphqlResponse<T>;
    } catch (error) {
      this.checkAuth(response.status);
      throw new CliError(`unexpected answer from ${this.config.url}: HTTP ${response.status}, not GraphQL JSON (is --url the /graphql endpoint?)`, 1, { cause: error });
    }
    if (response.status === 401) throw new CliError(authMessage(this.config.token !== null));
    if (body.errors?.length) throw new GraphqlRequestError(describeErrors(body.errors, this.config.token !== null), body.errors);
    if (!body.data) throw new CliError(`unexpected answer from ${this.config.url}: HTTP ${response.status} without data`);
    return body.data;
  }

  /** GETs a path beside the GraphQL endpoint (an export); a non-2xx answer throws with the server's reason. */
  async get(path: string): Promise<Response> {
    const url = siblingUrl(this.config, path);
    let response: Response;
    try {
      response = await fetch(url, { headers: this.authHeader() });
    } catch (error) {
      throw unreachable(url, error);
    }
    this.checkAuth(response.status);
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      let reason = text.trim().split('\n')[0] ?? '';
      try {
        reason = (JSON.parse(text) as { error?: string }).error ?? reason;
      } catch {
        // Not JSON: the first line of the body is the best reason there is.
      }
      if (response.status === 404 && cliWording(reason) !== reason) throw new CliError(cliWording(reason));
      throw new CliError(`GET ${url} failed: HTTP ${response.status}${reason ? `: ${reason}` : ''}`);
    }
    return response;
  }

  /**
   * POSTs a file beside the GraphQL endpoint as the raw body, streamed from disk (an instruction
   * pool upload). A 4xx/5xx answer throws with the server's message; a 200 answer is returned to read.
   */
  async postFile(path: string, body: ReadableStream<Uint8Array>, signal: AbortSignal): Promise<Response> {
    const url = siblingUrl(this.config, path);
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...this.authHeader() }, body, signal, duplex: 'half' } as RequestInit);
    } catch (error) {
      throw unreachable(url, error);
    }
    this.checkAuth(response.status);
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      let reason = text.trim().split('\n')[0] ?? '';
      try {
        reason = (JSON.parse(text) as { errors?: { message: string }[] }).errors?.[0]?.message ?? reason;
      } catch {
        // Not JSON: the first line of the body is the best reason there is.
      }
      throw new CliError(`POST ${url} failed: HTTP ${response.status}${reason ? `: ${reason}` : ''}`);
    }
    return response;
  }

  /** Starts a subscription over graphql-ws; returns the function that ends it. */
  subscribe<T, V>(document: TypedDocumentString<T, V>, variables: V, sink: SubscriptionSink<T>): () => void {
    let ended = false;
    const end = (fn: () => void) => {
      if (ended) return;
      ended = true;
      fn();
    };
    return this.ws().subscribe<T>(
      { query: document.toString(), variables: variables as Record<string, unknown> },
      {
        next: (result) => {
          if (result.errors?.length) {
            end(() => sink.error(new SubscriptionError(describeErrors(result.errors as GraphqlError[], this.config.token !== null), false)));
          } else if (result.data) {
            sink.next(result.data);
          }
        },
        error: (error) => end(() => sink.error(classifySocketError(error, this.config))),
        complete: () => end(() => sink.complete()),
      },
    );
  }

  /** Closes the WebSocket, if one was opened. */
  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    await socket?.dispose();
  }

  private ws(): Client {
    this.socket ??= createClient({
      url: this.config.wsUrl,
      webSocketImpl: WebSocket,
      lazy: true,
      // Resubscribing is the caller's job: only it knows the cursor (afterSeq) to resume from.
      retryAttempts: 0,
      connectionParams: this.config.token ? { authorization: `Bearer ${this.config.token}` } : {},
    });
    return this.socket;
  }

  private authHeader(): Record<string, string> {
    return this.config.token ? { authorization: `Bearer ${this.config.token}` } : {};
  }

  private checkAuth(status: number): void {
    if (status === 401 || status === 403) throw new CliError(authMessage(this.config.token !== null));
  }
}

function authMessage(sentToken: boolean): string {
  return sentToken
    ? 'the server refused the token: check --token or STE_TOKEN'
    : 'the server requires a token: pass --token or set STE_TOKEN';
}

/** One line from GraphQL errors: the first message, and how many more there were. */
export function describeErrors(errors: GraphqlError[], sentToken: boolean): string {
  const first = errors[0];
  if (!first) return 'unknown GraphQL error';
  const code = first.extensions?.code;
  // FORBIDDEN (a role too low) and RATE_LIMITED carry the server's own actionable message.
  if (code === 'UNAUTHENTICATED') return authMessage(sentToken);
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
  return `${cliWording(first.message)}${more}`;
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'timed out',
  UND_ERR_SOCKET: 'connection closed',
};

/** "cannot reach the server at URL (connection refused): ..." from a fetch or socket error. */
export function unreachable(url: string, error: unknown): NetworkError {
  let reason = 'no answer';
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) reason = 'timed out';
  let e: unknown = error;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      reason = NETWORK_REASONS[code] ?? code;
      break;
    }
    const cause = (e as { cause?: unknown }).cause;
    // No code: the innermost message is the reason ("bad port", for a port fetch refuses to use).
    if (depth > 0 && cause === undefined && e instanceof Error && e.message) reason = e.message;
    e = cause;
  }
  return new NetworkError(`cannot reach the server at ${url} (${reason}): is it running? Point --url or STE_URL at it`, 1, { cause: error });
}

/** Close codes of graphql-ws that mean "do not try again": bad request, auth, duplicate ids. */
const FATAL_CLOSE_CODES = new Set([4400, 4401, 4403, 4406, 4409, 4429, 4500]);

function classifySocketError(error: unknown, config: CliConfig): SubscriptionError {
  if (Array.isArray(error)) return new SubscriptionError(describeErrors(error as GraphqlError[], config.token !== null), false);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'number') {
    if (code === 4401 || code === 4403) return new SubscriptionError(authMessage(config.token !== null), false);
    const reason = String((error as { reason?: unknown }).reason ?? '') || `close code ${code}`;
    return new SubscriptionError(`subscription closed by the server: ${reason}`, !FATAL_CLOSE_CODES.has(code));
  }
  const inner = (error as { error?: unknown } | null)?.error ?? error;
  return new SubscriptionError(unreachable(config.wsUrl, inner).message, true);
}
