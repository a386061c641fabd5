import type { Db } from '../db/client';
import { countCompletedTasks } from '../db/queries/tasks';
import type { UserRow } from '../db/queries/users';
import { getAccount } from './accounts';
import { averageRating } from './professionals';

export interface AccountSummary {
  user: UserRow;
  /** USD available to the account (not in escrow). */
  availableBalance: number;
  professional: { verified: boolean; rating: number | null; completed_tasks: number; payouts_enabled: boolean } | null;
}

/** What /auth/me shows. Balances come from the ledger once payments exist; until then nothing is held. */
export async function getAccountSummary(db: Db, userId: string): Promise<AccountSummary> {
  const user = await getAccount(db, userId);
  const professional =
    user.role === 'professional'
      ? {
          verified: user.verified,
          rating: averageRating(user.ratingSum, user.ratingCount),
          completed_tasks: await countCompletedTasks(db, user.id),
          payouts_enabled: false,
        }
      : null;
  return { user, availableBalance: 0, professional };
}
