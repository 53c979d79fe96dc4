/**
 * One error policy for both transports: intentional errors keep their `extensions.code` (and the
 * field at fault); anything else is INTERNAL_SERVER_ERROR with the message "Internal server error"
 * in every mode (an internal message can hold SQL, bound parameters, addresses and file paths),
 * and an `extensions.errorId` that names the one log line with the whole error.
 */
import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '../logger.js';
import { ServiceError } from '../domain/errors.js';

/** Codes that graphql-js, Apollo and src/http give to refused operations: safe to show as they are. */
const CLIENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED', 'TOO_MANY_SUBSCRIPTIONS',
]);

/**
 * `hideSuggestions`: drop graphql-js's "Did you mean ...?" hints, which spell out field and type
 * names when introspection is off. Default: as `production`.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  production: boolean,
  hideSuggestions = production,
  /** Logs an internal error once and returns the id the client is given for it. */
  report?: (error: unknown, path: GraphQLFormattedError['path']) => string,
  /** ERROR_DETAILS: add `extensions.details` (see `safeDetail`) to internal errors. */
  details = false,
): GraphQLFormattedError {
  if (hideSuggestions && / Did you mean /.test(formatted.message)) formatted = { ...formatted, message: formatted.message.replace(/ Did you mean .*$/s, '') };
  const original = originalOf(error);
  if (original instanceof ServiceError) {
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { ...original.details, code: original.code, ...(original.field ? { field: original.field } : {}) },
    };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_CODES.has(code)) return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
  // A graphql-js error outside execution (no path: validation, variable coercion, whose original
  // error is a scalar's own GraphQLError) is about the request, on either transport.
  if (!code && !formatted.path && (!original || original instanceof GraphQLError)) {
    return { message: formatted.message, locations: formatted.locations, extensions: { code: 'BAD_USER_INPUT' } };
  }
  const errorId = report?.(original ?? error, formatted.path);
  const detail = details ? safeDetail(original ?? error) : null;
  return {
    message: 'Internal server error',
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', ...(errorId ? { errorId } : {}), ...(detail !== null ? { details: detail } : {}) },
  };
}

/** Longest `details` text sent. */
export const MAX_DETAIL_LENGTH = 300;
const SQL = /\b(select|insert\s+into|update|delete\s+from|returning|values\s*\(|create\s+table|alter\s+table|drop\s+table)\b|\$\d+/i;
const PATH = /(^|[\s'"(=,])(?:file:\/\/\S*|[A-Za-z]:[\\/][^\s'"(),]*|(?:\.{0,2}\/|~\/)[^\s'"(),]+|[\w.-]+(?:[\\/][\w.-]+)+\.(?:[cm]?[jt]s|json|sql|graphql|node)(?::\d+)*)/g;

/**
 * What ERROR_DETAILS shows of an internal error: the first line of its message, from the error a
 * query wrapper (drizzle's "Failed query: … params: …") wraps; a message that still reads like SQL
 * is replaced whole, and file paths (absolute, relative or file: URLs) become `<path>`. Never the
 * statement, its parameters, the stack or other lines.
 */
export function safeDetail(error: unknown): string {
  const messageOf = (e: unknown) => (e && typeof e === 'object' && typeof (e as Error).message === 'string' ? (e as Error).message : null);
  let current = error;
  let wrapped = false;
  for (let hops = 0; hops < 5 && /^Failed query:/i.test(messageOf(current) ?? ''); hops++) {
    current = (current as { cause?: unknown }).cause;
    wrapped = true;
  }
  const message = messageOf(current);
  if (message === null) return wrapped ? 'a database statement failed' : 'an internal error without a message';
  if (/^Failed query:/i.test(message)) return 'a database statement failed';
  const line = (message.split(/\r?\n/, 1)[0] ?? '').trim();
  if (SQL.test(line)) return 'a database statement failed';
  const cleaned = line.replace(PATH, '$1<path>');
  return cleaned.length > MAX_DETAIL_LENGTH ? `${cleaned.slice(0, MAX_DETAIL_LENGTH)}…` : cleaned;
}

/** A reporter for `formatError`: one `error` log line per internal error, with a fresh id. */
export function internalErrorReporter(logger: Logger): (error: unknown, path: GraphQLFormattedError['path']) => string {
  return (error, path) => {
    const errorId = randomUUID();
    logger.error({ err: error, errorId, path }, 'internal error');
    return errorId;
  };
}

function originalOf(error: unknown): unknown {
  let current = error as { originalError?: unknown } | undefined;
  while (current && typeof current === 'object' && 'originalError' in current && current.originalError) {
    current = current.originalError as { originalError?: unknown };
  }
  return current === error && !(error instanceof ServiceError) ? (error as GraphQLError).originalError : current;
}
