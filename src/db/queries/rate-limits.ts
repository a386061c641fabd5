import { lt, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { rateLimitCounters } from '../schema';

export interface CounterKey {
  bucket: string;
  windowSeconds: number;
}

export interface CounterState {
  bucket: string;
  count: number;
  /** Whole seconds until this window ends (at least 1). */
  retryAfterSeconds: number;
}

/** Window boundaries come from the database clock, so every isolate agrees on them. */
const windowStart = (seconds: ReturnType<typeof sql>) =>
  sql`to_timestamp((floor(extract(epoch from now()) / ${seconds}) * ${seconds})::double precision)`;

/**
 * Adds one to each bucket's counter for the current window and returns the new counts. One atomic upsert:
 * concurrent requests in any isolate each get a distinct count. Buckets must be distinct.
 */
export async function incrementCounters(db: Db, keys: CounterKey[]): Promise<CounterState[]> {
  if (keys.length === 0) return [];
  const values = sql.join(
    keys.map((k) => sql`(${k.bucket}::text, ${k.windowSeconds}::int)`),
    sql`, `,
  );
  const w = sql`b.window_seconds`;
  const result = await db.execute<{ bucket: string; count: number; retry_after: number }>(sql`
    insert into ${rateLimitCounters} (bucket, window_start, count, expires_at)
    select b.bucket, ${windowStart(w)}, 1, ${windowStart(w)} + make_interval(secs => b.window_seconds)
    from (values ${values}) as b(bucket, window_seconds)
    on conflict (bucket, window_start) do update set count = ${rateLimitCounters}.count + 1
    returning bucket, count, greatest(1, ceil(extract(epoch from expires_at - now())))::int as retry_after`);
  return result.rows.map((r) => ({ bucket: r.bucket, count: r.count, retryAfterSeconds: r.retry_after }));
}

/** Takes one back from each bucket's current window (an attempt that turned out not to count). */
export async function decrementCounters(db: Db, buckets: string[]): Promise<void> {
  if (buckets.length === 0) return;
  await db.execute(sql`
    update ${rateLimitCounters} set count = greatest(count - 1, 0)
    where bucket in (${sql.join(buckets.map((b) => sql`${b}`), sql`, `)})
      and window_start <= now() and expires_at > now()`);
}

/** Drops counters whose window has ended; returns how many. */
export async function deleteExpiredCounters(db: Db, now: Date): Promise<number> {
  const result = await db.delete(rateLimitCounters).where(lt(rateLimitCounters.expiresAt, now));
  return result.rowCount ?? 0;
}
