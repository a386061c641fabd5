/**
 * Professionals getting paid: Stripe Connect (Express) onboarding, and payouts of their available balance to their
 * connected account (Stripe transfers; Stripe then pays the connected account out to the bank on its own schedule).
 *
 * When earnings move: a release goes straight on as a transfer when the professional's payouts are enabled
 * (escrow.ts). Earned while payouts were off, it waits in the available balance until either Stripe enables payouts
 * (account.updated sweeps it out, connect.ts) or the professional asks (POST /api/v1/payments/payouts), which also
 * sends anything a refused transfer gave back.
 */
import type { Caller } from '../../context';
import type { Db, Tx } from '../../db/client';
import { bindStripeAccount } from '../../db/queries/connect-accounts';
import { findUserById, type UserRow } from '../../db/queries/users';
import { ApiError, notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import { availableAccount, lockedBalanceCents } from '../ledger';
import { AfterCommitWork, type AfterCommit, type PaymentsContext } from './after-commit';
import { startTransfer } from './escrow';
import { paymentsProvider } from './active-provider';
import { providerCall } from './provider';

export interface Payout {
  id: string;
  amountCents: number;
  destination: string;
  createdAt: Date;
}

/**
 * Sends the whole available balance to the connected account as one transfer (`payout:<pay_...>` both as ledger
 * reference and as Stripe idempotency key; the transfer group is the payout id, which is how a retry finds a
 * transfer an earlier attempt made). The available account's row is locked first, so two payouts at once cannot
 * both send the same money. Null when there is nothing to send.
 */
export async function startPayout(tx: Tx, user: Pick<UserRow, 'id' | 'stripeAccountId'>, after: AfterCommit): Promise<Payout | null> {
  if (!user.stripeAccountId) return null;
  const amount = await lockedBalanceCents(tx, availableAccount(user.id));
  if (amount <= 0) return null;
  const id = newId('pay');
  await startTransfer(
    tx,
    {
      reference: `payout:${id}`,
      idempotencyKey: `payout:${id}`,
      userId: user.id,
      destination: user.stripeAccountId,
      amountCents: amount,
      transferGroup: id,
      metadata: { user_id: user.id, payout_id: id },
    },
    after,
  );
  return { id, amountCents: amount, destination: user.stripeAccountId, createdAt: new Date() };
}

/** POST /api/v1/payments/payouts: a professional whose payouts are enabled sends their available balance out. */
export async function requestPayout(db: Db, ctx: PaymentsContext, caller: Caller): Promise<Payout> {
  const after = new AfterCommitWork();
  const payout = await db.transaction(async (tx) => {
    const user = await findUserById(tx, caller.id);
    if (!user) throw notFound('Account');
    // Test money stays in the sandbox: there is no test connected account to send it to.
    if (!caller.livemode) throw new ApiError('FORBIDDEN', 'Payouts move real money: use an access token or a live API key.');
    if (!user.payoutsEnabled || !user.stripeAccountId) {
      throw new ApiError('FORBIDDEN', 'Payouts are not enabled on your account yet. Finish onboarding: POST /api/v1/payments/connect.');
    }
    const started = await startPayout(tx, user, after);
    if (!started) throw new ApiError('CONFLICT', 'Nothing to pay out: your available balance is 0.');
    return started;
  });
  after.schedule(ctx);
  return payout;
}

export interface Onboarding {
  url: string;
  accountId: string;
  payoutsEnabled: boolean;
}

/**
 * Starts or resumes Connect onboarding: the professional's Express account (created once: Stripe's idempotency key
 * is `connect:<user>`, and the id is saved only if none was) and a fresh onboarding link to it. Stripe reports the
 * outcome with account.updated (connect.ts).
 */
export async function startOnboarding(
  db: Db,
  ctx: PaymentsContext,
  caller: Caller,
  urls: { returnUrl: string; refreshUrl: string },
): Promise<Onboarding> {
  const user = await findUserById(db, caller.id);
  if (!user) throw notFound('Account');
  const provider = paymentsProvider(ctx.env, ctx.origin);
  let accountId = user.stripeAccountId;
  if (!accountId) {
    const account = await providerCall('create a connected account', () => provider.createConnectAccount({ userId: user.id, email: user.email }));
    accountId = await bindStripeAccount(db, user.id, account.id);
  }
  const boundId = accountId;
  const link = await providerCall('create an onboarding link', () =>
    provider.createOnboardingLink({ accountId: boundId, userId: user.id, refreshUrl: urls.refreshUrl, returnUrl: urls.returnUrl }),
  );
  return { url: link.url, accountId: boundId, payoutsEnabled: user.payoutsEnabled };
}
