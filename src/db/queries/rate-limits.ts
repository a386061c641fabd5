import { lt, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { rateLimitCounters } from '../schema';

export interface CounterKey {
  bucket: string;
  windowSeconds: number;
}

export interface CounterState {
  bucket: string;
  /** Attempts in the current window, this one included. */
  count: number;
  /** Attempts in the window before it. */
  previous: number;
  /** Seconds since the current window began. */
  elapsedSeconds: number;
  windowSeconds: number;
}

/** Window boundaries come from the database clock, so every isolate agrees on them. */
const windowStart = (seconds: ReturnType<typeof sql>) =>
  sql`to_timestamp((floor(extract(epoch from now()) / ${seconds}) * ${seconds})::double precision)`;

/**
 * Adds one to each bucket's counter for the current window and returns it with the previous window's count.
 * One statement: concurrent requests in any isolate each get a distinct count. A counter is kept for two
 * windows (expires_at), since the next window still weighs it. Buckets must be distinct.
 */
export async function incrementCounters(db: Db, keys: CounterKey[]): Promise<CounterState[]> {
  if (keys.length === 0) return [];
  const values = sql.join(
    keys.map((k) => sql`(${k.bucket}::text, ${k.windowSeconds}::int)`),
    sql`, `,
  );
  const w = sql`b.window_seconds`;
  const result = await db.execute<{ bucket: string; count: number; previous: number; elapsed: number; window_seconds: number }>(sql`
    with b(bucket, window_seconds) as (values ${values}),
    up as (
      insert into ${rateLimitCounters} (bucket, window_start, count, expires_at)
      select b.bucket, ${windowStart(w)}, 1, ${windowStart(w)} + make_interval(secs => 2 * b.window_seconds)
      from b
      on conflict (bucket, window_start) do update set count = ${rateLimitCounters}.count + 1
      returning bucket, window_start, count
    )
    select up.bucket, up.count, coalesce(prev.count, 0) as previous, b.window_seconds,
      extract(epoch from now() - up.window_start)::float8 as elapsed
    from up
    join b on b.bucket = up.bucket
    left join ${rateLimitCounters} prev
      on prev.bucket = up.bucket and prev.window_start = up.window_start - make_interval(secs => b.window_seconds)`);
  return result.rows.map((r) => ({
    bucket: r.bucket,
    count: Number(r.count),
    previous: Number(r.previous),
    elapsedSeconds: Number(r.elapsed),
    windowSeconds: Number(r.window_seconds),
  }));
}

/** Takes one back from each bucket's current window (an attempt that turned out not to count). */
export async function decrementCounters(db: Db, buckets: string[]): Promise<void> {
  if (buckets.length === 0) return;
  await db.execute(sql`
    update ${rateLimitCounters} set count = greatest(count - 1, 0)
    where bucket in (${sql.join(buckets.map((b) => sql`${b}`), sql`, `)})
      and window_start = (select max(window_start) from ${rateLimitCounters} c where c.bucket = ${rateLimitCounters}.bucket)`);
}

/** Drops counters no window weighs any more; returns how many. */
export async function deleteExpiredCounters(db: Db, now: Date): Promise<number> {
  const result = await db.delete(rateLimitCounters).where(lt(rateLimitCounters.expiresAt, now));
  return result.rowCount ?? 0;
}
