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
import type { Tx } from '../db/client';
import { committedSince, findApiKeyLimits, insertApiKeySpend } from '../db/queries/api-key-spend';
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
  const path = FIELD[kind];

  // Limits are set when the key is made and never change, so the first read need not lock.
  const limits = await findApiKeyLimits(tx, keyId, false);
  if (!limits) throw new ApiError('UNAUTHORIZED', 'The API key is invalid or has been revoked.');
  if (limits.maxTaskCents !== null && amountCents > limits.maxTaskCents) {
    const what = kind === 'task' ? 'a task budget' : 'a checkout';
    throw overLimit(
      `This API key's max_task_amount is ${usdText(limits.maxTaskCents)}: ${what} of ${usdText(amountCents)} is over it.`,
      path,
      `max_task_amount is ${usdText(limits.maxTaskCents)}`,
    );
  }

  if (limits.dailyLimitCents !== null) {
    const daily = limits.dailyLimitCents;
    await findApiKeyLimits(tx, keyId, true);
    const used = await committedSince(tx, keyId, WINDOW_HOURS, taskId);
    const before = Math.max(used.taskPostedCents, used.taskFundedCents);
    const after =
      kind === 'task'
        ? Math.max(used.taskPostedCents + amountCents, used.taskFundedCents)
        : Math.max(used.taskPostedCents, used.taskFundedCents + amountCents);
    const added = after - before;
    if (used.totalCents + added > daily) {
      const left = Math.max(0, daily - used.totalCents);
      throw overLimit(
        `This API key's daily_limit is ${usdText(daily)}: it has committed ${usdText(used.totalCents)} in the last ${WINDOW_HOURS} hours, so ${usdText(added)} more does not fit (${usdText(left)} left).`,
        path,
        `daily_limit is ${usdText(daily)} (${usdText(used.totalCents)} committed in the last ${WINDOW_HOURS} hours)`,
      );
    }
  }

  await insertApiKeySpend(tx, { apiKeyId: keyId, taskId, kind, amountCents });
}
