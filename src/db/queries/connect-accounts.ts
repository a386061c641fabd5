import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../client';
import { users } from '../schema';

/**
 * Saves a professional's Connect account id unless one is saved already, and returns the one that is. Concurrent
 * onboardings ask Stripe with the same idempotency key and get the same account, so either write is the same id.
 */
export async function bindStripeAccount(db: Db | Tx, userId: string, accountId: string): Promise<string> {
  await db
    .update(users)
    .set({ stripeAccountId: accountId, updatedAt: sql`now()` })
    .where(and(eq(users.id, userId), isNull(users.stripeAccountId)));
  const [row] = await db.select({ id: users.stripeAccountId }).from(users).where(eq(users.id, userId));
  return row?.id ?? accountId;
}
