import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../client';
import { apiKeys, apiKeySpend } from '../schema';

export type NewApiKeySpend = typeof apiKeySpend.$inferInsert;

export interface ApiKeyLimits {
  maxTaskCents: number | null;
  dailyLimitCents: number | null;
}

/**
 * The key's limits, its row locked until the transaction ends when `lock` is set. FOR NO KEY UPDATE, not FOR
 * UPDATE: the transaction may already hold the KEY SHARE lock its foreign keys to this row take (inserting the
 * task that names the key), and two transactions each holding KEY SHARE and both asking FOR UPDATE would deadlock.
 * NO KEY UPDATE does not conflict with KEY SHARE, and it still serializes the transactions that ask for it.
 */
export async function findApiKeyLimits(tx: Db | Tx, keyId: string, lock: boolean): Promise<ApiKeyLimits | null> {
  const query = tx
    .select({ maxTaskCents: apiKeys.maxTaskCents, dailyLimitCents: apiKeys.dailyLimitCents })
    .from(apiKeys)
    .where(eq(apiKeys.id, keyId));
  const [row] = lock ? await query.for('no key update') : await query;
  return row ?? null;
}

export interface CommittedSince {
  /** Everything the key committed in the window: per task, the larger of the budget it posted and what it funded. */
  totalCents: number;
  /** The same two figures for one task, so a new commitment to it can be priced. */
  taskPostedCents: number;
  taskFundedCents: number;
}

/** What the key committed in the trailing `hours`, by the database clock; `taskId` null: a task not posted yet. */
export async function committedSince(tx: Db | Tx, keyId: string, hours: number, taskId: string | null): Promise<CommittedSince> {
  const result = await tx.execute<{ total: string | number; task_posted: string | number; task_funded: string | number }>(sql`
    with per_task as (
      select task_id,
        coalesce(sum(amount_cents) filter (where kind = 'task'), 0) as posted,
        coalesce(sum(amount_cents) filter (where kind = 'funding'), 0) as funded
      from ${apiKeySpend}
      where api_key_id = ${keyId} and created_at > now() - make_interval(hours => ${hours})
      group by task_id
    )
    select coalesce(sum(greatest(posted, funded)), 0) as total,
      coalesce(max(posted) filter (where task_id = ${taskId}), 0) as task_posted,
      coalesce(max(funded) filter (where task_id = ${taskId}), 0) as task_funded
    from per_task`);
  const row = result.rows[0]!;
  return { totalCents: Number(row.total), taskPostedCents: Number(row.task_posted), taskFundedCents: Number(row.task_funded) };
}

export async function insertApiKeySpend(tx: Tx, spend: NewApiKeySpend): Promise<void> {
  await tx.insert(apiKeySpend).values(spend);
}
