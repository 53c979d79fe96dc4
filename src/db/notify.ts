import { sql } from 'drizzle-orm';
import type { EventMessage } from '../events/types.js';
import { EVENTS_CHANNEL } from '../events/types.js';
import type { Db } from './database.js';

/** Announces an event; inside a transaction it is delivered only if the transaction commits. */
export async function notify(db: Db, message: EventMessage): Promise<void> {
  await db.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(message)})`);
}
