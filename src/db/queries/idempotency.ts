import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { idempotencyKeys } from '../schema';

export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;

export interface ClaimArgs {
  userId: string;
  key: string;
  fingerprint: string;
  claimToken: string;
  /** Rows created longer ago than this are expired and may be claimed afresh. */
  windowSeconds: number;
  /** An in-flight claim locked longer ago than this was abandoned (its request died) and may be taken over. */
  lockTimeoutSeconds: number;
}

/**
 * One statement decides who owns the key: the insert wins outright; on conflict the existing row is taken over
 * only if it has expired, or if it is an abandoned in-flight claim for the very same request. Postgres runs
 * this atomically per key, so two concurrent requests can never both get `true`.
 */
export async function claimIdempotencyKey(db: Db, args: ClaimArgs): Promise<boolean> {
  const t = idempotencyKeys;
  const rows = await db
    .insert(t)
    .values({ userId: args.userId, key: args.key, fingerprint: args.fingerprint, claimToken: args.claimToken })
    .onConflictDoUpdate({
      target: [t.userId, t.key],
      set: {
        fingerprint: sql`excluded.fingerprint`,
        claimToken: sql`excluded.claim_token`,
        state: 'in_flight',
        responseStatus: null,
        responseBody: null,
        responseContentType: null,
        lockedAt: sql`now()`,
        createdAt: sql`now()`,
      },
      setWhere: sql`${t.createdAt} < now() - make_interval(secs => ${args.windowSeconds})
        or (${t.state} = 'in_flight' and ${t.fingerprint} = excluded.fingerprint
            and ${t.lockedAt} < now() - make_interval(secs => ${args.lockTimeoutSeconds}))`,
    })
    .returning({ claimToken: t.claimToken });
  return rows[0]?.claimToken === args.claimToken;
}

export async function findIdempotencyKey(db: Db, userId: string, key: string): Promise<IdempotencyRow | null> {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)))
    .limit(1);
  return row ?? null;
}

const ownClaim = (userId: string, key: string, claimToken: string) =>
  and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key), eq(idempotencyKeys.claimToken, claimToken));

export async function completeIdempotencyKey(
  db: Db,
  claim: { userId: string; key: string; claimToken: string },
  response: { status: number; body: string; contentType: string },
): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ state: 'completed', responseStatus: response.status, responseBody: response.body, responseContentType: response.contentType })
    .where(ownClaim(claim.userId, claim.key, claim.claimToken));
}

export async function releaseIdempotencyKey(db: Db, claim: { userId: string; key: string; claimToken: string }): Promise<void> {
  await db.delete(idempotencyKeys).where(ownClaim(claim.userId, claim.key, claim.claimToken));
}

/** Deletes up to `limit` rows created before `before`; returns how many went. */
export async function purgeIdempotencyKeys(db: Db, before: Date, limit: number): Promise<number> {
  const t = idempotencyKeys;
  const doomed = db.select({ userId: t.userId, key: t.key }).from(t).where(lt(t.createdAt, before)).limit(limit);
  const deleted = await db
    .delete(t)
    .where(sql`(${t.userId}, ${t.key}) in (${doomed})`)
    .returning({ key: t.key });
  return deleted.length;
}
