import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { EventMessage, EventName, PipelineEvents } from '../domain/events.js';
import { EVENTS_CHANNEL } from '../domain/events.js';
import type { Db } from './database.js';

/** Announces an event; inside a transaction it is delivered only if the transaction commits. */
export async function notify(db: Db, message: EventMessage): Promise<void> {
  await db.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(message)})`);
}

/**
 * The same announcement as a SQL expression, for a statement that computes the event's data
 * itself: each field is an SQL expression (over the statement's rows, or a typed parameter).
 */
export function notifyExpression<K extends EventName>(type: K, data: Record<keyof PipelineEvents[K], SQL>): SQL {
  const fields = Object.entries(data).map(([name, value]) => sql`${name}::text, ${value}`);
  return sql`pg_notify(${EVENTS_CHANNEL}, json_build_object('type', ${type}::text, 'data', json_build_object(${sql.join(fields, sql`, `)}))::text)`;
}
