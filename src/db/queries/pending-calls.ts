import { and, asc, eq, lte, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../client';
import { pendingStripeCalls } from '../schema';

export type PendingCallRow = typeof pendingStripeCalls.$inferSelect;
export type NewPendingCall = typeof pendingStripeCalls.$inferInsert;

/** Records a call unless its idempotency key is known; false when it was (the unique index decides). */
export async function insertPendingCall(db: Db | Tx, call: NewPendingCall): Promise<boolean> {
  const rows = await db
    .insert(pendingStripeCalls)
    .values(call)
    .onConflictDoNothing({ target: pendingStripeCalls.idempotencyKey })
    .returning({ id: pendingStripeCalls.id });
  return rows.length > 0;
}

export async function findPendingCall(db: Db | Tx, idempotencyKey: string): Promise<PendingCallRow | null> {
  const [row] = await db.select().from(pendingStripeCalls).where(eq(pendingStripeCalls.idempotencyKey, idempotencyKey)).limit(1);
  return row ?? null;
}

/** The time to compare against: the caller's (a cron run's scheduled time, a test's) or the database's own. */
const clock = (now: Date | undefined): SQL => (now ? sql`${now.toISOString()}::timestamptz` : sql`now()`);

/**
 * Takes a due call for one attempt: counts the attempt and pushes next_attempt_at to `leaseUntil`, so a second
 * runner (the after-commit hook racing the cron) finds it not due. If this runner dies, the lease simply expires.
 */
export async function claimDueCall(
  db: Db | Tx,
  idempotencyKey: string,
  leaseSeconds: number,
  now?: Date,
): Promise<PendingCallRow | null> {
  const at = clock(now);
  const [row] = await db
    .update(pendingStripeCalls)
    .set({
      attempts: sql`${pendingStripeCalls.attempts} + 1`,
      nextAttemptAt: sql`${at} + make_interval(secs => ${leaseSeconds})`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(pendingStripeCalls.idempotencyKey, idempotencyKey),
        eq(pendingStripeCalls.status, 'pending'),
        lte(pendingStripeCalls.nextAttemptAt, at),
      ),
    )
    .returning();
  return row ?? null;
}

export async function listDueCallKeys(db: Db | Tx, limit: number, now?: Date): Promise<string[]> {
  const rows = await db
    .select({ key: pendingStripeCalls.idempotencyKey })
    .from(pendingStripeCalls)
    .where(and(eq(pendingStripeCalls.status, 'pending'), lte(pendingStripeCalls.nextAttemptAt, clock(now))))
    .orderBy(asc(pendingStripeCalls.nextAttemptAt))
    .limit(limit);
  return rows.map((r) => r.key);
}

/** Marks success once; false if the call was no longer pending. */
export async function markCallSucceeded(
  db: Db | Tx,
  id: number,
  result: { stripeObjectId: string; simulated: boolean },
): Promise<boolean> {
  const rows = await db
    .update(pendingStripeCalls)
    .set({
      status: 'succeeded',
      stripeObjectId: result.stripeObjectId,
      simulated: result.simulated,
      lastError: null,
      completedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(pendingStripeCalls.id, id), eq(pendingStripeCalls.status, 'pending')))
    .returning({ id: pendingStripeCalls.id });
  return rows.length > 0;
}

/** Records a failed attempt: due again after `retryInSeconds`, or failed for good when that is null. False if no longer pending. */
export async function markCallFailedAttempt(
  db: Db | Tx,
  id: number,
  failure: { lastError: string; retryInSeconds: number | null },
  now?: Date,
): Promise<boolean> {
  const rows = await db
    .update(pendingStripeCalls)
    .set(
      failure.retryInSeconds !== null
        ? {
            lastError: failure.lastError,
            nextAttemptAt: sql`${clock(now)} + make_interval(secs => ${failure.retryInSeconds})`,
            updatedAt: sql`now()`,
          }
        : { lastError: failure.lastError, status: 'failed', completedAt: sql`now()`, updatedAt: sql`now()` },
    )
    .where(and(eq(pendingStripeCalls.id, id), eq(pendingStripeCalls.status, 'pending')))
    .returning({ id: pendingStripeCalls.id });
  return rows.length > 0;
}

/** The call, its row locked until the transaction ends (the lock markCallSucceeded's UPDATE also takes). */
export async function lockPendingCall(tx: Tx, idempotencyKey: string): Promise<PendingCallRow | null> {
  const [row] = await tx.select().from(pendingStripeCalls).where(eq(pendingStripeCalls.idempotencyKey, idempotencyKey)).for('update').limit(1);
  return row ?? null;
}

/**
 * Stripe made the object and later reported it failed: the call ends as failed whatever it was (pending while its
 * attempt is still in flight, succeeded, or failed after a lost answer). Nothing retries a failed call.
 */
export async function markCallFailedAtStripe(tx: Tx, id: number, failure: { stripeObjectId: string; lastError: string }): Promise<void> {
  await tx
    .update(pendingStripeCalls)
    .set({
      status: 'failed',
      stripeObjectId: failure.stripeObjectId,
      lastError: failure.lastError,
      completedAt: sql`coalesce(${pendingStripeCalls.completedAt}, now())`,
      updatedAt: sql`now()`,
    })
    .where(eq(pendingStripeCalls.id, id));
}
