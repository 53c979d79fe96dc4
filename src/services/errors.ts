/**
 * Intentional errors. The GraphQL edge passes them through with their `code`; anything else is
 * an internal error and is masked in production.
 */
export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'RATE_LIMITED';

export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The argument or field at fault, when there is one. */
    readonly field?: string,
    options?: ErrorOptions,
    /** Machine-readable specifics, passed on in the GraphQL error's extensions (e.g. rejected rows). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message, options);
    this.name = 'ServiceError';
  }
}

/** Bad input: names the field and what is wrong with it. Nothing was stored. */
export const badInput = (field: string, message: string, options?: ErrorOptions, details?: Record<string, unknown>) =>
  new ServiceError('BAD_USER_INPUT', `${field}: ${message}`, field, options, details);

/** An id that does not exist (NOT_FOUND, HTTP 404 on the exports), naming the field that sent it. */
export const notFound = (field: string, what: string, id: string | number) =>
  new ServiceError('NOT_FOUND', `${field}: no ${what} with id ${id}`, field);

/** The request does not fit the current state (wrong stage order, stage already running...): CONFLICT, HTTP 409 on the exports. */
export const conflict = (message: string, field?: string) => new ServiceError('CONFLICT', message, field);

/** Parses a GraphQL ID into a database id, or throws a BAD_USER_INPUT naming the field. */
export function parseId(field: string, value: string | number | null | undefined): number {
  const text = String(value ?? '').trim();
  if (!/^\d{1,15}$/.test(text) || Number(text) <= 0) throw badInput(field, `"${value ?? ''}" is not a valid id`);
  return Number(text);
}
