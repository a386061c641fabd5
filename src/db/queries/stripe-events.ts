import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../client';
import { stripeEvents } from '../schema';

export type StripeEventRow = typeof stripeEvents.$inferSelect;
export type NewStripeEvent = typeof stripeEvents.$inferInsert;

/**
 * Claims an event id. False when it is already recorded. A concurrent delivery of the same id waits here on the
 * primary key until the first one's transaction ends, then sees it (DO NOTHING) or, if that one rolled back, wins.
 */
export async function claimStripeEvent(db: Db | Tx, event: NewStripeEvent): Promise<boolean> {
  const rows = await db
    .insert(stripeEvents)
    .values(event)
    .onConflictDoNothing({ target: stripeEvents.id })
    .returning({ id: stripeEvents.id });
  return rows.length > 0;
}

export async function setStripeEventOutcome(db: Db | Tx, id: string, outcome: string): Promise<void> {
  await db.update(stripeEvents).set({ outcome }).where(eq(stripeEvents.id, id));
}

export async function findStripeEvent(db: Db | Tx, id: string): Promise<StripeEventRow | null> {
  const [row] = await db.select().from(stripeEvents).where(eq(stripeEvents.id, id)).limit(1);
  return row ?? null;
}
