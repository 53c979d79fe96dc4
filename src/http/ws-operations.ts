/**
 * The checks an operation passes on the WebSocket before any resolver runs, the same as HTTP's:
 * the per-connection operation cap, parsing with the token cap, validation with HTTP's rule list,
 * the cost check that needs the variables, then the role and rate checks. Each refusal is a
 * GraphQLError with the `extensions.code` HTTP gives for it.
 */
import { GraphQLError, getOperationAST, parse, validate } from 'graphql';
import type { DocumentNode, ExecutionArgs, GraphQLSchema, ValidationRule } from 'graphql';
import type { Context } from '../resolvers/context.js';
import type { OperationGuard, Principal } from './auth.js';

export type OperationChecks = {
  schema: GraphQLSchema;
  context: () => Context;
  guard: OperationGuard;
  /** Every validation rule, graphql-js's specified ones included. */
  rules: readonly ValidationRule[];
  /** The cost check that needs the operation's variables (limits.ts). */
  variableCostErrors: (document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined) => readonly GraphQLError[];
  /** GRAPHQL_MAX_TOKENS. */
  maxTokens: number;
  /** WS_MAX_SUBSCRIPTIONS. */
  maxSubscriptions: number;
};

type Payload = { query: string; operationName?: string | null; variables?: Record<string, unknown> | null };

/** The execution arguments of an operation that passes, or the errors that refuse it. */
export function checkOperation(o: OperationChecks, principal: Principal, running: number, payload: Payload): ExecutionArgs | GraphQLError[] {
  // graphql-ws has already reserved this operation's slot among the running ones.
  if (running > o.maxSubscriptions) {
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
  if (!operation) return [coded('the document has no operation of that name, or several operations and no operationName', 'OPERATION_RESOLUTION_FAILURE')];
  const denied = o.guard.check(principal, document, operation);
  if (denied) return [denied];
  return { schema: o.schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue: { ...o.context(), principal } };
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
