import { and, eq, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../client';
import { users } from '../schema';

export type UserRow = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

/** Inserts unless the email is taken; returns null when it is (the unique index decides, not a prior read). */
export async function insertUser(db: Db | Tx, user: NewUser): Promise<UserRow | null> {
  const [row] = await db.insert(users).values(user).onConflictDoNothing({ target: users.email }).returning();
  return row ?? null;
}

export async function findUserByEmail(db: Db | Tx, email: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  return row ?? null;
}

export async function findUserById(db: Db | Tx, id: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

/** Who a signed-in request is, for the auth middleware: the two columns it needs, not the whole row and its hash. */
export async function findUserRole(db: Db | Tx, id: string): Promise<{ id: string; role: UserRow['role'] } | null> {
  const [row] = await db.select({ id: users.id, role: users.role }).from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

export async function updatePasswordHash(db: Db | Tx, id: string, passwordHash: string): Promise<void> {
  await db.update(users).set({ passwordHash, updatedAt: sql`now()` }).where(eq(users.id, id));
}

export async function findUserByStripeAccount(db: Db | Tx, stripeAccountId: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.stripeAccountId, stripeAccountId)).limit(1);
  return row ?? null;
}

/**
 * Applies a Connect account's state to its professional, unless a newer account.updated was applied already
 * (older events can arrive late). Binds the account to the user if it was not yet. Verification is sticky: payouts
 * being enabled once verifies the professional; Stripe later pausing payouts does not un-verify them.
 * Returns false when the row was not changed (stale event, another account bound, or not a professional).
 */
export async function applyConnectAccountState(
  db: Db | Tx,
  input: { userId: string; stripeAccountId: string; payoutsEnabled: boolean; eventAt: Date },
): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({
      stripeAccountId: input.stripeAccountId,
      payoutsEnabled: input.payoutsEnabled,
      verified: input.payoutsEnabled ? true : sql`${users.verified}`,
      stripeAccountEventAt: input.eventAt,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(users.id, input.userId),
        eq(users.role, 'professional'),
        or(isNull(users.stripeAccountId), eq(users.stripeAccountId, input.stripeAccountId)),
        or(isNull(users.stripeAccountEventAt), lte(users.stripeAccountEventAt, input.eventAt)),
      ),
    )
    .returning({ id: users.id });
  return rows.length > 0;
}

/** Locks the account's row until the transaction ends: serializes per-account limits (e.g. live API keys). */
export async function lockUser(tx: Tx, id: string): Promise<boolean> {
  const [row] = await tx.select({ id: users.id }).from(users).where(eq(users.id, id)).for('update');
  return row !== undefined;
}

export async function updateRoleAndPassword(db: Db | Tx, id: string, role: UserRow['role'], passwordHash: string): Promise<UserRow> {
  const [row] = await db.update(users).set({ role, passwordHash, updatedAt: sql`now()` }).where(eq(users.id, id)).returning();
  return row!;
}
