// GraphQL over fetch, with the optional API token (kept in localStorage, sent as a Bearer token).

const TOKEN_KEY = 'ste.token';
export const GRAPHQL_URL = new URL('graphql', document.baseURI).toString();

export const token = {
  get: () => localStorage.getItem(TOKEN_KEY) || null,
  set: (value) => (value ? localStorage.setItem(TOKEN_KEY, value) : localStorage.removeItem(TOKEN_KEY)),
};

/** Raised when the server wants a (better) token; the app asks for one. */
export class AuthError extends Error {}

const authListeners = new Set();
/** Called with a message whenever a request or the socket is refused for want of a token. */
export function onAuthError(listener) {
  authListeners.add(listener);
}
export function authFailed(message) {
  for (const listener of authListeners) listener(message);
}

/**
 * Runs a query or mutation, one of the documents of operations.generated.js (never a string put
 * together here: test/unit/dashboard-operations.test.ts checks); its result is typed by the document.
 * Throws Error(message) on GraphQL errors, AuthError on 401/UNAUTHENTICATED.
 * @template TResult, TVariables
 * @param {import('./operations.generated.js').Document<TResult, TVariables>} query
 * @param {TVariables} [variables]
 * @returns {Promise<TResult>}
 */
export async function gql(query, variables) {
  /** @type {Record<string, string>} */
  const headers = { 'content-type': 'application/json' };
  const t = token.get();
  if (t) headers.authorization = `Bearer ${t}`;
  const response = await fetch(GRAPHQL_URL, { method: 'POST', headers, body: JSON.stringify({ query, variables: variables ?? {} }) });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new Error(`the server answered HTTP ${response.status} without GraphQL JSON`);
  }
  const first = body.errors?.[0];
  if (response.status === 401 || first?.extensions?.code === 'UNAUTHENTICATED') {
    const message = t ? 'The server refused this token.' : 'The server needs an API token.';
    authFailed(message);
    throw new AuthError(message);
  }
  if (first) throw new Error(first.message);
  return body.data;
}
