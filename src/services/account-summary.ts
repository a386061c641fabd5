import type { Db } from '../db/client';
import type { UserRow } from '../db/queries/users';
import { getAccount } from './accounts';

export interface AccountSummary {
  user: UserRow;
  /** USD available to the account (not in escrow). */
  availableBalance: number;
  professional: { verified: boolean; rating: number | null; completed_tasks: number; payouts_enabled: boolean } | null;
}

/** What /auth/me shows. Balances come from the ledger once payments exist; until then nothing is held. */
export async function getAccountSummary(db: Db, userId: string): Promise<AccountSummary> {
  const user = await getAccount(db, userId);
  const rating = user.ratingCount > 0 ? Math.round((user.ratingSum / user.ratingCount) * 10) / 10 : null;
  return {
    user,
    availableBalance: 0,
    professional:
      user.role === 'professional'
        ? { verified: user.verified, rating, completed_tasks: 0, payouts_enabled: false }
        : null,
  };
}
