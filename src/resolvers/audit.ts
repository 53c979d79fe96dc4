/**
 * The audit log at the GraphQL edge: every mutation field an operator or admin token runs is
 * recorded once it has finished, with its outcome (`ok` or the error code), on both transports;
 * mutations refused before any resolver runs (role, rate limit, operation limits) are not. Reading
 * the log (`Query.auditLog`) needs an admin token.
 */
import { GraphQLError } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { ServiceError } from '../domain/errors.js';
import type { AuditEntry } from '../services/admin/audit.js';
import { connection } from './connection.js';
import type { Context } from './context.js';

/** Wraps every mutation field's resolver so that its run is recorded in the audit log. */
export function auditMutations(schema: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const inner = field.resolve;
    if (!inner) continue;
    field.resolve = async (source, args: Record<string, unknown>, context: Context, info) => {
      const caller = context.principal ?? { id: 'unknown', role: 'operator' as const };
      const record = (outcome: string) => context.services.audit.record({ actor: caller.id, role: caller.role, mutation: info.fieldName, arguments: args, outcome });
      try {
        const result: unknown = await inner(source, args, context, info);
        await record('ok');
        return result;
      } catch (error) {
        await record(codeOf(error));
        throw error;
      }
    };
  }
  return schema;
}

function codeOf(error: unknown): string {
  if (error instanceof ServiceError) return error.code;
  const code = error instanceof GraphQLError ? error.extensions.code : undefined;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

export const auditResolvers = {
  Query: {
    auditLog: async (_: unknown, args: { first?: number; after?: string }, { services, principal }: Context) => {
      if (principal?.role !== 'admin') throw new ServiceError('FORBIDDEN', `auditLog needs the admin role; the token has ${principal?.role ?? 'none'}`);
      return connection(await services.audit.list(args.first, args.after));
    },
  },
  AuditEntry: {
    id: (row: AuditEntry) => String(row.id),
  },
};
