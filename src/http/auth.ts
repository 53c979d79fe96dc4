/**
 * Who is calling and what they may run, for both transports: bearer tokens checked against the
 * configured hashes in constant time, the role each operation needs, and a per-token rate limit on
 * mutations. With no tokens configured (allowed on a loopback HOST only) every caller is admin.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { GraphQLError, Kind } from 'graphql';
import type { DocumentNode, FragmentDefinitionNode, OperationDefinitionNode, SelectionSetNode } from 'graphql';
import type { RateLimiter } from './rate-limit.js';
import type { ApiRole, ApiToken } from '../config/tokens.js';

export type Principal = {
  /** For logs and rate limits: role and position in the configuration, never the token. */
  id: string;
  role: ApiRole;
  /** The client's address: the rate-limit key when no tokens are configured. */
  address?: string;
};

const RANK: Record<ApiRole, number> = { reader: 0, operator: 1, admin: 2 };
export const hasRole = (principal: Principal, role: ApiRole) => RANK[principal.role] >= RANK[role];

/** Mutations that need admin; every other mutation needs operator, queries and subscriptions reader. */
export const ADMIN_MUTATIONS: ReadonlySet<string> = new Set(['deleteExperiment']);
/** Queries only an admin may run: what the server's configuration names (never its secrets). */
export const ADMIN_QUERIES: ReadonlySet<string> = new Set(['serverConfiguration']);

const ANONYMOUS: Principal = { id: 'anonymous', role: 'admin' };

export class Authenticator {
  private readonly tokens: { principal: Principal; hash: Buffer }[];

  constructor(tokens: readonly ApiToken[]) {
    this.tokens = tokens.map((t, i) => ({ principal: { id: `${t.role}#${i + 1}`, role: t.role }, hash: Buffer.from(t.sha256, 'hex') }));
  }

  get enabled(): boolean {
    return this.tokens.length > 0;
  }

  /** The caller of an HTTP request (`Authorization: Bearer <token>` only), or null when refused. */
  fromHeader(header: string | undefined, address?: string): Principal | null {
    if (!this.enabled) return { ...ANONYMOUS, address };
    return this.verify(bearer(header));
  }

  /** The caller of a WebSocket connection, from connection_init's payload: `{ authorization: 'Bearer …' }` or `{ token }`. */
  fromConnectionParams(params: Readonly<Record<string, unknown>> | undefined, address?: string): Principal | null {
    if (!this.enabled) return { ...ANONYMOUS, address };
    const token = typeof params?.token === 'string' ? params.token : bearer(typeof params?.authorization === 'string' ? params.authorization : undefined);
    return this.verify(token);
  }

  private verify(token: string | null): Principal | null {
    if (!token) return null;
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let found: Principal | null = null;
    // Every hash is compared, in constant time, so the time taken says nothing about which matched.
    for (const t of this.tokens) if (timingSafeEqual(digest, t.hash) && !found) found = t.principal;
    return found;
  }
}

function bearer(header: string | undefined): string | null {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return match ? match[1]! : null;
}

/** Express middleware: refuses requests without a token of at least `role`; sets res.locals.principal. */
export function requireRole(auth: Authenticator, role: ApiRole) {
  return (req: Request, res: Response, next: NextFunction) => {
    const principal = auth.fromHeader(req.headers.authorization, req.socket.remoteAddress);
    if (!principal) {
      res.status(401).setHeader('www-authenticate', 'Bearer');
      res.json({ errors: [{ message: 'a valid API token is required: send the header Authorization: Bearer <token>', extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    if (!hasRole(principal, role)) {
      res.status(403).json({ errors: [{ message: `this needs the ${role} role; the token has ${principal.role}`, extensions: { code: 'FORBIDDEN' } }] });
      return;
    }
    res.locals.principal = principal;
    next();
  };
}

/**
 * Whose budget a call counts against: its token, or with no tokens configured (every caller is the
 * anonymous admin) its address, so one local client cannot starve the others.
 */
export function rateKey(principal: Principal): string {
  return principal.id === ANONYMOUS.id ? `address ${principal.address ?? 'unknown'}` : principal.id;
}

/** "per token", or "per address" when callers are told apart by address only. */
export function rateUnit(principal: Principal): string {
  return principal.id === ANONYMOUS.id ? 'per address' : 'per token';
}

/**
 * Role and rate checks of a resolved operation, before any resolver runs; the same on HTTP and
 * WebSocket. Returns the error to send, or null when the operation may run. Mutations count one
 * per mutation field against `limiter`; queries and subscriptions one per operation against
 * `reads`.
 */
export class OperationGuard {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly reads?: RateLimiter,
  ) {}

  check(principal: Principal, document: DocumentNode, operation: OperationDefinitionNode): GraphQLError | null {
    if (operation.operation !== 'mutation') {
      const denied = operation.operation === 'query' ? adminQueryCheck(principal, document, operation) : null;
      if (denied || !this.reads) return denied;
      const waitMs = this.reads.take(rateKey(principal));
      return waitMs > 0 ? rateLimited(`rate limit reached: at most ${this.reads.perMinute} queries and subscriptions a minute ${rateUnit(principal)} (QUERIES_PER_MINUTE)`, waitMs) : null;
    }
    const fields = rootFields(operation.selectionSet, fragmentsOf(document), new Set());
    const needed: ApiRole = [...fields].some((f) => ADMIN_MUTATIONS.has(f)) ? 'admin' : 'operator';
    if (!hasRole(principal, needed)) {
      const field = [...fields].find((f) => needed === 'admin' ? ADMIN_MUTATIONS.has(f) : true) ?? 'mutation';
      return new GraphQLError(`${field} needs the ${needed} role; the token has ${principal.role}`, {
        extensions: { code: 'FORBIDDEN', http: { status: 403 } },
      });
    }
    // Every mutation field counts, aliases and fragment spreads included: 15 aliased
    // createExperiment in one operation are 15 mutations.
    const count = countRootFields(operation.selectionSet, fragmentsOf(document), []);
    const waitMs = this.limiter.take(rateKey(principal), count);
    if (waitMs > 0) {
      const these = count > 1 ? ` (this operation has ${count})` : '';
      return rateLimited(`rate limit reached: at most ${this.limiter.perMinute} mutations a minute ${rateUnit(principal)}${these}`, waitMs);
    }
    return null;
  }
}

/** RATE_LIMITED, HTTP 429 with retry-after, on both transports. */
function rateLimited(message: string, waitMs: number): GraphQLError {
  const seconds = Math.ceil(waitMs / 1000);
  return new GraphQLError(`${message}; retry in ${seconds} s`, {
    extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: new Map([['retry-after', String(seconds)]]) } },
  });
}

/** Queries are for every role, but the ones in ADMIN_QUERIES need admin. */
function adminQueryCheck(principal: Principal, document: DocumentNode, operation: OperationDefinitionNode): GraphQLError | null {
  if (hasRole(principal, 'admin')) return null;
  const field = [...rootFields(operation.selectionSet, fragmentsOf(document), new Set())].find((f) => ADMIN_QUERIES.has(f));
  if (!field) return null;
  return new GraphQLError(`${field} needs the admin role; the token has ${principal.role}`, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const map = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) map.set(d.name.value, d);
  return map;
}

/** Names of the root fields an operation selects, through fragments (each fragment expanded once). */
function rootFields(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>): Set<string> {
  const names = new Set<string>();
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) names.add(s.name.value);
    else if (s.kind === Kind.INLINE_FRAGMENT) for (const n of rootFields(s.selectionSet, fragments, seen)) names.add(n);
    else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      const fragment = fragments.get(s.name.value);
      if (fragment) for (const n of rootFields(fragment.selectionSet, fragments, seen)) names.add(n);
    }
  }
  return names;
}

/** How many root fields an operation runs: each alias once, each fragment at every spread. */
function countRootFields(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, path: readonly string[]): number {
  let count = 0;
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) count++;
    else if (s.kind === Kind.INLINE_FRAGMENT) count += countRootFields(s.selectionSet, fragments, path);
    else if (!path.includes(s.name.value)) {
      const fragment = fragments.get(s.name.value);
      if (fragment) count += countRootFields(fragment.selectionSet, fragments, [...path, s.name.value]);
    }
  }
  return count;
}
