import { and, count, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../client';
import { apiKeys, users } from '../schema';

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type NewApiKey = typeof apiKeys.$inferInsert;

export interface ApiKeyOwner {
  keyId: string;
  userId: string;
  role: (typeof users.$inferSelect)['role'];
  livemode: boolean;
}

const live = (userId: string) => and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt));

export async function insertApiKey(db: Db | Tx, key: NewApiKey): Promise<ApiKeyRow> {
  const [row] = await db.insert(apiKeys).values(key).returning();
  return row!;
}

export async function countLiveApiKeys(db: Db | Tx, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(apiKeys).where(live(userId));
  return row?.n ?? 0;
}

/** The account's live keys, newest first, and how many there are in all. */
export async function listLiveApiKeys(
  db: Db,
  userId: string,
  page: { limit: number; offset: number },
): Promise<{ rows: ApiKeyRow[]; total: number }> {
  const [rows, total] = await Promise.all([
    db.select().from(apiKeys).where(live(userId)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)).limit(page.limit).offset(page.offset),
    countLiveApiKeys(db, userId),
  ]);
  return { rows, total };
}

/** Marks a live key of this account revoked; null when there is none by that id (unknown, revoked, or another's). */
export async function revokeApiKey(db: Db, userId: string, keyId: string): Promise<ApiKeyRow | null> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.id, keyId), live(userId)))
    .returning();
  return row ?? null;
}

/**
 * The live key with this hash and its owner, in one round trip on the unique index. The same statement
 * stamps last_used_at, but only when it is unset or over a minute old: a busy key writes its row at most
 * once a minute instead of on every request, and nothing is left running after the response.
 */
export async function findLiveApiKeyByHash(db: Db, keyHash: string): Promise<ApiKeyOwner | null> {
  const result = await db.execute<{ key_id: string; user_id: string; role: ApiKeyOwner['role']; livemode: boolean }>(sql`
    with hit as (
      select k.id as key_id, k.user_id, u.role, k.livemode
      from ${apiKeys} k join ${users} u on u.id = k.user_id
      where k.key_hash = ${keyHash} and k.revoked_at is null
    ), touched as (
      update ${apiKeys} set last_used_at = now()
      where id = (select key_id from hit)
        and (last_used_at is null or last_used_at < now() - interval '1 minute')
      returning id
    )
    select key_id, user_id, role, livemode from hit`);
  const row = result.rows[0];
  return row ? { keyId: row.key_id, userId: row.user_id, role: row.role, livemode: row.livemode } : null;
}
