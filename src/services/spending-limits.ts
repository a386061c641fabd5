/**
 * Spending limits of API keys, so a person can hand an agent a key and bound what it can commit.
 *
 * - `max_task_amount`: no task posted with the key may have a larger budget, and no checkout opened with it may ask
 *   for more.
 * - `daily_limit`: what the key commits in any trailing 24 hours (by the database clock) stays within it. A task
 *   counts once: per task, the larger of the budget the key posted and what the key put into checkouts for it, so
 *   posting a 20 USD task and funding it with 20 USD is 20, and overfunding it with 25 is 25. Commitments count
 *   whatever happens next (a canceled task, an expired checkout): the limit bounds what the agent asked for.
 *
 * Limits bind calls authenticated with that key; a JWT carries no key and so no key limits. Every commitment made
 * with a key is recorded (api_key_spend), limited or not, in the transaction that makes it.
 */
import type { Caller } from '../context';
import type { Db, Tx } from '../db/client';
import { committedSince, findApiKeyLimits, insertApiKeySpend, type ApiKeyLimits, type CommittedSince } from '../db/queries/api-key-spend';
import type { SPEND_KINDS } from '../db/schema';
import { ApiError } from '../lib/errors';
import { usdText } from '../lib/money';

/** `task`: a task's budget, when the key posts it. `funding`: a checkout's amount, when the key opens it. */
export type SpendKind = (typeof SPEND_KINDS)[number];

const WINDOW_HOURS = 24;

/** The request field the limit is checked against, named in the error's details. */
const FIELD: Record<SpendKind, string> = { task: 'budget_amount', funding: 'amount' };

const overLimit = (message: string, path: string, detail: string) =>
  new ApiError('SPENDING_LIMIT', message, { details: [{ path, message: detail }] });

/** max_task_amount: null when `amountCents` is within it, otherwise the 403 SPENDING_LIMIT it gets. */
function overMaxTask(limits: ApiKeyLimits, amountCents: number, kind: SpendKind): ApiError | null {
  if (limits.maxTaskCents === null || amountCents <= limits.maxTaskCents) return null;
  const what = kind === 'task' ? 'a task budget' : 'a checkout';
  return overLimit(
    `This API key's max_task_amount is ${usdText(limits.maxTaskCents)}: ${what} of ${usdText(amountCents)} is over it.`,
    FIELD[kind],
    `max_task_amount is ${usdText(limits.maxTaskCents)}`,
  );
}

/** daily_limit, on the key's use in the window already read: null when the commitment fits. */
function overDaily(limits: ApiKeyLimits, used: CommittedSince, amountCents: number, kind: SpendKind): ApiError | null {
  if (limits.dailyLimitCents === null) return null;
  const daily = limits.dailyLimitCents;
  const added = addedBy(used, amountCents, kind);
  if (used.totalCents + added <= daily) return null;
  const left = Math.max(0, daily - used.totalCents);
  return overLimit(
    `This API key's daily_limit is ${usdText(daily)}: it has committed ${usdText(used.totalCents)} in the last ${WINDOW_HOURS} hours, so ${usdText(added)} more does not fit (${usdText(left)} left).`,
    FIELD[kind],
    `daily_limit is ${usdText(daily)} (${usdText(used.totalCents)} committed in the last ${WINDOW_HOURS} hours)`,
  );
}

/** How much a commitment adds to the key's daily total: only what lifts its task's larger figure. */
function addedBy(used: CommittedSince, amountCents: number, kind: SpendKind): number {
  const before = Math.max(used.taskPostedCents, used.taskFundedCents);
  const after =
    kind === 'task'
      ? Math.max(used.taskPostedCents + amountCents, used.taskFundedCents)
      : Math.max(used.taskPostedCents, used.taskFundedCents + amountCents);
  return after - before;
}

/**
 * Checks a commitment against the caller's key limits and records it; 403 SPENDING_LIMIT when it does not fit.
 * Call it inside the transaction that writes the task (kind `task`) or the checkout (kind `funding`), after any
 * row that names the key or the task is written: the record needs the task to exist, and rolling back with the
 * task or checkout keeps the record honest. With a daily limit, the key's row stays locked until that transaction
 * ends, so concurrent requests with one key are checked one after the other and cannot all slip under the limit.
 */
export async function assertWithinSpendingLimits(tx: Tx, caller: Caller, amountCents: number, kind: SpendKind, taskId: string): Promise<void> {
  if (caller.authMethod !== 'api_key' || !caller.apiKeyId) return;
  const keyId = caller.apiKeyId;

  // Limits are set when the key is made and never change, so the first read need not lock.
  const limits = await limitsOf(tx, keyId, false);
  const overMax = overMaxTask(limits, amountCents, kind);
  if (overMax) throw overMax;
  if (limits.dailyLimitCents !== null) {
    await findApiKeyLimits(tx, keyId, true);
    const overDay = overDaily(limits, await committedSince(tx, keyId, WINDOW_HOURS, taskId), amountCents, kind);
    if (overDay) throw overDay;
  }

  await insertApiKeySpend(tx, { apiKeyId: keyId, taskId, kind, amountCents });
}

const NOTHING_USED: CommittedSince = { totalCents: 0, taskPostedCents: 0, taskFundedCents: 0 };

async function limitsOf(db: Db | Tx, keyId: string, lock: boolean): Promise<ApiKeyLimits> {
  const limits = await findApiKeyLimits(db, keyId, lock);
  if (!limits) throw new ApiError('UNAUTHORIZED', 'The API key is invalid or has been revoked.');
  return limits;
}

/** A task not yet posted, as a quote prices it: its budget, then the amount it would be funded with. */
export interface PlannedTask {
  budgetCents: number;
  fundingCents: number;
}

/**
 * What posting the task and then funding it with the caller's key would be refused for, by the rules above, without
 * locking or recording anything: a quote changes nothing. Both steps are judged, the funding as if the post had
 * gone through, so a caller learns every limit in the way at once. Another request with the key may commit more
 * meanwhile; the answer is what holds now.
 */
export async function spendingLimitRefusals(db: Db, caller: Caller, task: PlannedTask): Promise<ApiError[]> {
  if (caller.authMethod !== 'api_key' || !caller.apiKeyId) return [];
  const limits = await limitsOf(db, caller.apiKeyId, false);
  if (limits.maxTaskCents === null && limits.dailyLimitCents === null) return [];
  const used = limits.dailyLimitCents === null ? NOTHING_USED : await committedSince(db, caller.apiKeyId, WINDOW_HOURS, null);
  const posted: CommittedSince = {
    totalCents: used.totalCents + addedBy(used, task.budgetCents, 'task'),
    taskPostedCents: task.budgetCents,
    taskFundedCents: 0,
  };
  const postOverDay = overDaily(limits, used, task.budgetCents, 'task');
  const refusals = [
    overMaxTask(limits, task.budgetCents, 'task') ?? postOverDay,
    // A task counts once a day: with its budget already over the daily limit, funding it is that commitment again.
    overMaxTask(limits, task.fundingCents, 'funding') ?? (postOverDay ? null : overDaily(limits, posted, task.fundingCents, 'funding')),
  ];
  return refusals.filter((refusal): refusal is ApiError => refusal !== null);
}
