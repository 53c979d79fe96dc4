/** Reads a connection page by page until `limit` nodes or its end. */
import type { TypedDocumentString } from '../../generated/cli-operations.js';
import type { CommandContext } from './context.js';

export type Connection<T> = { edges: { node: T }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; totalCount?: number };

/**
 * `document` takes `$after: String` and selects one connection, which `pick` returns from the data.
 * The page size is a literal in the document: the server prices a variable `first` at its largest page.
 */
export async function readPages<T, D, V extends { after?: string | null }>(
  ctx: CommandContext,
  document: TypedDocumentString<D, V>,
  variables: Omit<V, 'after'>,
  pick: (data: D) => Connection<T>,
  limit: number,
): Promise<{ nodes: T[]; totalCount: number | null }> {
  const nodes: T[] = [];
  let after: string | null = null;
  let totalCount: number | null = null;
  while (nodes.length < limit) {
    const page: Connection<T> = pick(await ctx.api.request(document, { ...variables, after } as V));
    totalCount = page.totalCount ?? totalCount;
    nodes.push(...page.edges.map((e) => e.node).slice(0, limit - nodes.length));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { nodes, totalCount };
}

/** "2026-11-28 10:15" from an ISO date. */
export const minute = (iso: string) => iso.slice(0, 16).replace('T', ' ');
