import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';

export type LlmErrorKind = 'transient' | 'permanent' | 'aborted';

/**
 * The only error type `src/llm` rejects with. `kind` says what the caller may do: 'transient' means
 * the retries ran out on a failure that may go away (store the call as failed and try again later),
 * 'permanent' means the request itself is wrong (bad model name, auth, context length), 'aborted' means
 * the caller's signal fired or the client was closed. Aborted errors have `name === 'AbortError'`.
 * Messages (and the messages of the `cause` chain) never contain the API key.
 */
export class LlmError extends Error {
  readonly kind: LlmErrorKind;
  /** HTTP status of the last attempt, when there was a response. */
  readonly status: number | undefined;
  /** HTTP attempts made, including the failed last one. */
  readonly attempts: number;
  /** The endpoint's error code of the last attempt (`invalid_api_key`, `model_not_found`, `insufficient_quota`...), when it gave one. */
  readonly code: string | undefined;

  constructor(message: string, opts: { kind: LlmErrorKind; status?: number; attempts: number; cause?: unknown; code?: string }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = opts.kind === 'aborted' ? 'AbortError' : 'LlmError';
    this.kind = opts.kind;
    this.status = opts.status;
    this.attempts = opts.attempts;
    this.code = opts.code;
  }
}

/**
 * True for a refusal that no retry and no other item of the stage can get past: a refused key
 * (401), a forbidden resource (403), a missing model or route (404), or an exhausted quota
 * (`insufficient_quota`). A stage that meets one stops sending and fails with its message.
 */
export function isEndpointRefusal(error: unknown): error is LlmError {
  if (!(error instanceof LlmError) || error.kind !== 'permanent') return false;
  return error.status === 401 || error.status === 403 || error.status === 404 || error.code === 'insufficient_quota';
}

/** The endpoint's error code of a failed attempt (OpenAI's `error.code`, else its `error.type`). */
export function errorCodeOf(err: unknown): string | undefined {
  if (!(err instanceof APIError)) return undefined;
  const code = typeof err.code === 'string' ? err.code : typeof err.type === 'string' ? err.type : undefined;
  return code ?? undefined;
}

/** Thrown inside an attempt when a 200 response has no usable body (no choices, not JSON). Retried. */
export class MalformedResponseError extends Error {
  override readonly name = 'MalformedResponseError';
}

/**
 * An answer this client will not read: more than one content coding, or larger than its cap once
 * decoded. Not retried: the endpoint would send the same again.
 */
export class ResponseRefusedError extends Error {
  override readonly name = 'ResponseRefusedError';
}

export type Classified = {
  transient: boolean;
  status?: number;
  /** Minimum wait before the next attempt, from `retry-after-ms` / `retry-after`. */
  retryAfterMs?: number;
  /** True when the request certainly did not reach the model (safe to repeat a non-idempotent POST). */
  notProcessed: boolean;
  /**
   * A 429 that is rate limiting: retried without counting against maxRetries, up to the client's
   * rate-limit wait. Not set for OpenAI's `insufficient_quota` 429 (billing), which waiting does not fix.
   */
  rateLimited?: true;
  reason: string;
};

/** A server asking for more than this is treated as asking for this much. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

const TRANSIENT_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH',
  'ENETUNREACH', 'ENETDOWN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);
const TRANSIENT_MESSAGE = /socket hang up|fetch failed|terminated|other side closed|network|timed? ?out/i;

/** Parses `retry-after-ms` (ms) or `retry-after` (seconds, possibly fractional, or an HTTP date). */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  let ms: number | undefined;
  const msHeader = headers.get('retry-after-ms');
  if (msHeader) {
    const v = Number(msHeader.trim());
    if (Number.isFinite(v) && v >= 0) ms = v;
  }
  if (ms === undefined) {
    const h = headers.get('retry-after')?.trim();
    if (h) {
      if (/^\d+(\.\d+)?$/.test(h)) ms = Number(h) * 1000;
      else {
        const at = Date.parse(h);
        if (Number.isFinite(at)) ms = Math.max(0, at - now);
      }
    }
  }
  return ms === undefined ? undefined : Math.min(ms, MAX_RETRY_AFTER_MS);
}

function codesOf(err: unknown): string[] {
  const codes: string[] = [];
  let e: unknown = err;
  for (let depth = 0; depth < 6 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    e = (e as { cause?: unknown }).cause;
  }
  return codes;
}

function messagesOf(err: unknown): string {
  let out = '';
  let e: unknown = err;
  for (let depth = 0; depth < 6 && e; depth++) {
    out += ' ' + (e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return out;
}

export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Decides whether a failed attempt may be retried. Caller aborts and our own timeouts are handled before. */
export function classifyError(err: unknown): Classified {
  if (err instanceof APIError && typeof err.status === 'number') {
    const status = err.status;
    const retryAfterMs = parseRetryAfter(err.headers);
    // An exhausted quota (billing) is a 429 that waiting does not fix.
    const quota = status === 429 && (err.code === 'insufficient_quota' || err.type === 'insufficient_quota');
    return {
      transient: isTransientStatus(status) && !quota,
      status,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
      notProcessed: status === 429 || status === 503,
      ...(status === 429 && err.code !== 'insufficient_quota' && { rateLimited: true as const }),
      reason: `HTTP ${status}`,
    };
  }
  const codes = codesOf(err);
  if (err instanceof APIConnectionTimeoutError) return { transient: true, notProcessed: false, reason: 'timeout' };
  if (err instanceof ResponseRefusedError) return { transient: false, notProcessed: false, reason: 'response refused' };
  if (err instanceof MalformedResponseError || err instanceof SyntaxError) {
    return { transient: true, notProcessed: false, reason: 'malformed response' };
  }
  // A wrong host name or a bad certificate will not fix itself within a few retries.
  if (codes.some((c) => c === 'ENOTFOUND' || c === 'ERR_INVALID_URL' || c.includes('CERT') || c.includes('SELF_SIGNED'))) {
    return { transient: false, notProcessed: true, reason: `connection error (${codes.join(', ')})` };
  }
  const notProcessed = codes.includes('ECONNREFUSED');
  if (err instanceof APIConnectionError || codes.some((c) => TRANSIENT_CODES.has(c))) {
    return { transient: true, notProcessed, reason: codes.length ? `connection error (${codes.join(', ')})` : 'connection error' };
  }
  // Body read failures surface from undici as "TypeError: terminated" or an AbortError not caused by us.
  const name = err instanceof Error ? err.name : '';
  if (name === 'AbortError' || TRANSIENT_MESSAGE.test(messagesOf(err))) {
    return { transient: true, notProcessed: false, reason: 'connection error' };
  }
  return { transient: false, notProcessed: false, reason: 'error' };
}

/**
 * OpenAI's refusal of `max_tokens` by its reasoning models (o1, o3, o4-mini, gpt-5...): HTTP 400,
 * param 'max_tokens', code 'unsupported_parameter' ("Use 'max_completion_tokens' instead.").
 */
export function refusesMaxTokens(err: unknown): boolean {
  return err instanceof APIError && err.status === 400 && err.param === 'max_tokens' && err.code === 'unsupported_parameter';
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Runs of at least this many characters of the key (or of an encoding of it) are scrubbed wherever they appear. */
export const KEY_WINDOW = 12;

/**
 * The forms in which an endpoint may echo a key: as sent, URL-encoded, hex, and base64 and
 * base64url at each of the three byte alignments it can start at inside a longer encoded text
 * (the characters that depend on a neighbour are dropped from each end).
 */
function encodedForms(key: string): string[] {
  const bytes = Buffer.from(key, 'utf8');
  const forms = new Set([key, encodeURIComponent(key), bytes.toString('hex')]);
  for (let shift = 0; shift < 3; shift++) {
    const b64 = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    // Characters 0..ceil(shift*4/3) mix in the padding bytes; the last 4 may mix in what follows.
    const core = b64.slice(Math.ceil((shift * 4) / 3) + (shift > 0 ? 1 : 0), b64.length - 4);
    forms.add(core);
    forms.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...forms].filter((f) => f.length >= KEY_WINDOW);
}

/** Replaces every run of text made of KEY_WINDOW-character pieces of `windows` with `***`. */
function scrubWindows(text: string, windows: Set<string>): string {
  if (windows.size === 0 || text.length < KEY_WINDOW) return text;
  const marked = new Uint8Array(text.length);
  let any = false;
  for (let i = 0; i + KEY_WINDOW <= text.length; i++) {
    if (windows.has(text.slice(i, i + KEY_WINDOW))) {
      marked.fill(1, i, i + KEY_WINDOW);
      any = true;
    }
  }
  if (!any) return text;
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (!marked[i]) {
      out += text[i++];
      continue;
    }
    while (i < text.length && marked[i]) i++;
    out += '***';
  }
  return out;
}

/**
 * Builds a scrubber that removes the key and anything that looks like a credential from text: the
 * key verbatim, and any run of KEY_WINDOW or more characters of it or of its URL-encoded, hex or
 * base64 forms (so a key echoed encoded, or split in parts, is caught as well).
 */
export function makeScrubber(apiKey: string): (text: string) => string {
  const keyRe = apiKey.length >= 4 ? new RegExp(escapeRegExp(apiKey), 'g') : null;
  const windows = new Set<string>();
  for (const form of apiKey.length >= KEY_WINDOW ? encodedForms(apiKey) : []) {
    for (let i = 0; i + KEY_WINDOW <= form.length; i++) windows.add(form.slice(i, i + KEY_WINDOW));
  }
  return (text) => {
    let out = keyRe ? text.replace(keyRe, '***') : text;
    out = scrubWindows(out, windows);
    out = out
      .replace(/\b(Bearer\s+)[^\s"',]+/gi, '$1***')
      .replace(/\bsk-[A-Za-z0-9_-]{6,}/g, 'sk-***')
      .replace(/([?&](?:api[-_]?key|key|token|access_token)=)[^&\s"']+/gi, '$1***')
      .replace(/(\/\/)[^/\s:@]+:[^/\s@]+@/g, '$1***:***@');
    return out;
  };
}

/** Longest upstream error text kept (after tags and runs of white space are removed). */
export const FAILURE_TEXT_MAX = 200;

/**
 * What is kept of a failed attempt for storage and readers: for an HTTP error, the status, the
 * error's type and code, and a short message (an HTML page is reduced to its text); otherwise a
 * short message. Never the whole upstream body. Scrub the result before storing it.
 */
export function shortFailure(err: unknown): string {
  if (err instanceof APIError && typeof err.status === 'number') {
    const body = err.error as { message?: unknown } | undefined;
    const text = typeof body?.message === 'string' ? body.message : body ? '' : err.message.replace(/^\d+\s*/, '');
    const kind = [err.type, err.code].filter((v): v is string => typeof v === 'string' && v !== '').join(', ');
    const summary = summarize(text);
    return `${err.status}${summary ? ` ${summary}` : ''}${kind ? ` (${kind})` : ''}`;
  }
  return summarize(errorMessage(err));
}

function summarize(text: string): string {
  let head = text.slice(0, 4 * FAILURE_TEXT_MAX);
  if (/<[a-z!/][^>]*>/i.test(head)) head = head.replace(/<(script|style)\b[^<]*(?:<(?!\/\1>)[^<]*)*<\/\1>/gi, ' ').replace(/<[^>]*>?/g, ' ');
  const line = head.replace(/\s+/g, ' ').trim();
  return line.length > FAILURE_TEXT_MAX ? `${line.slice(0, FAILURE_TEXT_MAX)}…` : line;
}

/**
 * Scrubs messages, stacks and string fields (e.g. `APIError.error`, the parsed error body, which
 * loggers serialize) along a cause chain, in place: errors are rare, and keeping the original
 * objects keeps `instanceof` and `headers` usable for whoever inspects `cause`.
 */
export function scrubErrorChain(err: unknown, scrub: (s: string) => string): void {
  let e: unknown = err;
  for (let depth = 0; depth < 6 && e instanceof Error; depth++) {
    try {
      const m = scrub(e.message);
      if (m !== e.message) e.message = m;
      if (typeof e.stack === 'string') {
        const s = scrub(e.stack);
        if (s !== e.stack) e.stack = s;
      }
      scrubFields(e, scrub, 0);
    } catch {
      // frozen or exotic error objects: leave them, the LlmError message is scrubbed anyway
    }
    e = e.cause;
  }
}

function scrubFields(obj: object, scrub: (s: string) => string, depth: number): void {
  if (depth > 3 || obj instanceof Headers) return;
  const record = obj as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const v = record[key];
    if (typeof v === 'string') {
      const s = scrub(v);
      if (s !== v) record[key] = s;
    } else if (v && typeof v === 'object' && !(v instanceof Error)) {
      scrubFields(v, scrub, depth + 1);
    }
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
