/** Stripe Connect (Express) for professionals: what their account's state means for them here. */
import type { Tx } from '../../db/client';
import { applyConnectAccountState, findUserByStripeAccount, findUserById } from '../../db/queries/users';
import { startPayout } from './payouts';
import type { EventContext, EventOutcome } from './stripe-event-handler';
import type { Stripe } from './stripe-client';

/**
 * account.updated: payouts enabled verifies the professional and sends out the earnings waiting in their available
 * balance; payouts disabled pauses transfers (later releases wait in the available balance). The professional is
 * found by the saved account id, else by the account's metadata.user_id (set when we create it), because this event
 * can arrive before the id is saved. Older snapshots than one applied are stale.
 */
export async function onAccountUpdated(tx: Tx, event: Stripe.AccountUpdatedEvent, ctx: EventContext): Promise<EventOutcome> {
  const account = event.data.object;
  const bound = await findUserByStripeAccount(tx, account.id);
  const userId = bound?.id ?? account.metadata?.user_id;
  if (!userId) return 'ignored';
  const applied = await applyConnectAccountState(tx, {
    userId,
    stripeAccountId: account.id,
    payoutsEnabled: account.payouts_enabled === true,
    eventAt: new Date(event.created * 1000),
  });
  if (applied) {
    // Earnings that waited for payouts go out now (a no-op when nothing is available).
    if (account.payouts_enabled === true) await startPayout(tx, { id: userId, stripeAccountId: account.id }, ctx.after);
    return 'applied';
  }
  const user = bound ?? (await findUserById(tx, userId));
  return user?.stripeAccountId === account.id ? 'stale' : 'ignored';
}
