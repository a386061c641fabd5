import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../client';
import { users } from '../schema';
import type { UserRow } from './users';

/** Sets a professional's verified flag; null when the id is not a professional's account. */
export async function setProfessionalVerified(db: Db | Tx, id: string, verified: boolean): Promise<UserRow | null> {
  const [row] = await db
    .update(users)
    .set({ verified, updatedAt: sql`now()` })
    .where(and(eq(users.id, id), eq(users.role, 'professional')))
    .returning();
  return row ?? null;
}

export async function isVerifiedProfessional(db: Db | Tx, id: string): Promise<boolean> {
  const [row] = await db
    .select({ verified: users.verified })
    .from(users)
    .where(and(eq(users.id, id), eq(users.role, 'professional')))
    .limit(1);
  return row?.verified === true;
}
