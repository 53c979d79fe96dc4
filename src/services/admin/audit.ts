/**
 * The audit trail of what operator and admin tokens did: every mutation they run, with its
 * outcome, readable by admins (`Query.auditLog`). Arguments are kept without content: a file's
 * `content` and any text longer than AUDIT_TEXT_MAX become `[N characters]`. Writing an entry
 * never fails the mutation it records: a failed write is logged instead.
 */
import type { Database } from '../../db/database.js';
import * as auditRepo from '../../db/audit-repo.js';
import type { AuditLogRow } from '../../db/schema.js';
import type { Logger } from '../../logger.js';
import { decodeCursor, encodeCursor } from '../read/queries.js';
import type { Page } from '../read/queries.js';

/** One recorded mutation. */
export type AuditEntry = AuditLogRow;

export const AUDIT_TEXT_MAX = 200;
const MAX_PAGE = 500;

export type AuditEntryInput = { actor: string; role: string; mutation: string; arguments: Record<string, unknown>; outcome: string };

export class AuditService {
  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
  ) {}

  async record(entry: AuditEntryInput): Promise<void> {
    try {
      await auditRepo.insertAuditEntry(this.database.db, { ...entry, arguments: withoutContent(entry.arguments) });
    } catch (error) {
      this.logger.error({ err: error, mutation: entry.mutation, actor: entry.actor }, 'could not write the audit log');
    }
  }

  /** Newest first; `after` is a cursor from a previous page. */
  async list(first: number | null | undefined, after: string | null | undefined): Promise<Page<AuditLogRow>> {
    const limit = Math.min(Math.max(first ?? 50, 0), MAX_PAGE);
    const rows = await auditRepo.listAuditEntries(this.database.db, limit + 1, decodeCursor('after', after));
    return { rows: rows.slice(0, limit), hasNextPage: rows.length > limit, cursorOf: (row) => encodeCursor(row.id) };
  }
}

/** A copy of `value` with `content` fields and long texts replaced by their length. */
export function withoutContent(value: Record<string, unknown>): Record<string, unknown> {
  const strip = (v: unknown, key: string): unknown => {
    if (typeof v === 'string') return key === 'content' || v.length > AUDIT_TEXT_MAX ? `[${v.length} characters]` : v;
    if (Array.isArray(v)) return v.map((item) => strip(item, key));
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, strip(inner, k)]));
    return v;
  };
  return strip(value, '') as Record<string, unknown>;
}
