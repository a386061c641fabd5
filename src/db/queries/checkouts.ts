import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '../client';
import { checkouts, tasks, type FUNDING_STATUSES } from '../schema';
import type { TaskRow } from './tasks';

export type CheckoutRow = typeof checkouts.$inferSelect;
export type NewCheckout = typeof checkouts.$inferInsert;
type FundingStatus = (typeof FUNDING_STATUSES)[number];

/**
 * The task's row, locked until the transaction ends (FOR NO KEY UPDATE: the lock a transition's UPDATE takes, which
 * leaves inserts of rows referencing the task, e.g. its ledger accounts, unblocked). Every writer of a task's money takes this lock first (a
 * transition's guarded UPDATE takes it too), so a payment, a release and a refund of one task happen one after
 * another, and each sees the ledger as the one before it left it.
 */
export async function lockTask(tx: Tx, taskId: string): Promise<TaskRow | null> {
  const [row] = await tx.select().from(tasks).where(eq(tasks.id, taskId)).for('no key update').limit(1);
  return row ?? null;
}

export async function insertCheckout(tx: Tx, checkout: NewCheckout): Promise<CheckoutRow> {
  const [row] = await tx.insert(checkouts).values(checkout).returning();
  return row!;
}

/** Inserts unless the id exists; for a session Stripe made whose record we lost. */
export async function adoptCheckout(tx: Tx, checkout: NewCheckout): Promise<void> {
  await tx.insert(checkouts).values(checkout).onConflictDoNothing();
}

export async function findCheckoutBySession(db: Db | Tx, sessionId: string): Promise<CheckoutRow | null> {
  const [row] = await db.select().from(checkouts).where(eq(checkouts.stripeSessionId, sessionId)).limit(1);
  return row ?? null;
}

export async function findCheckout(db: Db | Tx, id: string): Promise<CheckoutRow | null> {
  const [row] = await db.select().from(checkouts).where(eq(checkouts.id, id)).limit(1);
  return row ?? null;
}

export async function listTaskCheckouts(db: Db | Tx, taskId: string, statuses?: CheckoutRow['status'][]): Promise<CheckoutRow[]> {
  return db
    .select()
    .from(checkouts)
    .where(and(eq(checkouts.taskId, taskId), statuses ? inArray(checkouts.status, statuses) : undefined))
    .orderBy(checkouts.createdAt, checkouts.id);
}

/** Records the payment. Any status may become paid: money Stripe collected is a fact, whatever we thought before. */
export async function markCheckoutPaid(
  tx: Tx,
  id: string,
  payment: { paymentIntentId: string | null; chargeId: string | null; paidCents: number },
): Promise<void> {
  await tx
    .update(checkouts)
    .set({ status: 'paid', ...payment, paidAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(checkouts.id, id), ne(checkouts.status, 'paid')));
}

/** pending -> expired | failed; false when the checkout had already moved on (paid, or ended before). */
export async function endCheckout(db: Db | Tx, id: string, status: 'expired' | 'failed'): Promise<boolean> {
  const rows = await db
    .update(checkouts)
    .set({ status, updatedAt: sql`now()` })
    .where(and(eq(checkouts.id, id), eq(checkouts.status, 'pending')))
    .returning({ id: checkouts.id });
  return rows.length > 0;
}

/** An asynchronous payment (bank debit) started: the checkout stays pending until it settles. */
export async function notePaymentIntent(tx: Tx, id: string, paymentIntentId: string): Promise<boolean> {
  const rows = await tx
    .update(checkouts)
    .set({ paymentIntentId, updatedAt: sql`now()` })
    .where(and(eq(checkouts.id, id), eq(checkouts.status, 'pending'), sql`${checkouts.paymentIntentId} is distinct from ${paymentIntentId}`))
    .returning({ id: checkouts.id });
  return rows.length > 0;
}

export async function setFundingStatus(tx: Tx, taskId: string, status: FundingStatus): Promise<void> {
  await tx
    .update(tasks)
    .set({ fundingStatus: status, updatedAt: sql`now()` })
    .where(and(eq(tasks.id, taskId), ne(tasks.fundingStatus, status)));
}
