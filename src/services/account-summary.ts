import type { Db } from '../db/client';
import { countCompletedTasks } from '../db/queries/tasks';
import type { UserRow } from '../db/queries/users';
import { getAccount } from './accounts';
import { averageRating } from './professionals';
import { centsToUsd } from '../lib/money';
import { userBalances } from './ledger';

export interface AccountSummary {
  user: UserRow;
  /** USD available to the account (not in escrow). */
  availableBalance: number;
  professional: { verified: boolean; rating: number | null; completed_tasks: number; payouts_enabled: boolean } | null;
}

/** What /auth/me shows; the balance is the ledger's available balance, in the caller's mode. */
export async function getAccountSummary(db: Db, userId: string, livemode = true): Promise<AccountSummary> {
  const user = await getAccount(db, userId);
  const balances = await userBalances(db, userId, livemode);
  const professional =
    user.role === 'professional'
      ? {
          verified: user.verified,
          rating: averageRating(user.ratingSum, user.ratingCount),
          completed_tasks: await countCompletedTasks(db, user.id),
          payouts_enabled: user.payoutsEnabled,
        }
      : null;
  return { user, availableBalance: centsToUsd(balances.availableCents), professional };
}
