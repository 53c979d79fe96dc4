import type { Page } from '../services/read/queries.js';

/** A Relay connection from a service page. */
export function connection<T>(page: Page<T>, extra: Record<string, unknown> = {}) {
  const edges = page.rows.map((node) => ({ cursor: page.cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    ...extra,
  };
}
