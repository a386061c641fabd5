import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { idempotencyKeys } from '../schema';

export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;

/**
 * The key's lock for the rest of the transaction, or false when another transaction holds it (a duplicate still
 * running). Two hashed halves keep keys of different accounts apart; a collision only answers a retry with 409.
 */
export async function tryLockIdempotencyKey(tx: Db, userId: string, key: string): Promise<boolean> {
  const rows = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(hashtext(${userId}), hashtext(${key})) as locked`);
  return rows.rows[0]?.locked === true;
}

/** The stored answer for the key, unless it is older than the window. */
export async function findIdempotencyKey(db: Db, userId: string, key: string, windowSeconds: number): Promise<IdempotencyRow | null> {
  const t = idempotencyKeys;
  const [row] = await db
    .select()
    .from(t)
    .where(and(eq(t.userId, userId), eq(t.key, key), gt(t.createdAt, sql`now() - make_interval(secs => ${windowSeconds})`)))
    .limit(1);
  return row ?? null;
}

export interface SavedAnswer {
  userId: string;
  key: string;
  fingerprint: string;
  responseStatus: number;
  responseBody: string;
  responseContentType: string;
  windowSeconds: number;
}

/** Stores the answer; an expired row for the same key (not yet purged) is replaced. Run under the key's lock. */
export async function saveIdempotencyKey(db: Db, answer: SavedAnswer): Promise<void> {
  const { windowSeconds, ...row } = answer;
  const t = idempotencyKeys;
  await db
    .insert(t)
    .values(row)
    .onConflictDoUpdate({
      target: [t.userId, t.key],
      set: {
        fingerprint: sql`excluded.fingerprint`,
        responseStatus: sql`excluded.response_status`,
        responseBody: sql`excluded.response_body`,
        responseContentType: sql`excluded.response_content_type`,
        createdAt: sql`now()`,
      },
      setWhere: sql`${t.createdAt} <= now() - make_interval(secs => ${windowSeconds})`,
    });
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
