/**
 * Refunds Stripe fails after accepting them. A refund call is settled in the ledger (pending_refund -> Stripe) as
 * soon as Stripe accepts it (pending-calls.ts), but a card refund can still fail days later (the card was closed,
 * say). Stripe then puts the money back in the platform's balance and sends refund.failed, refund.updated and
 * charge.refund.updated, each carrying the refund with `status: failed`. Our ledger must follow: the money is back
 * with the platform, owed to the client, so `refund_failed:<re_...>` moves it from external:stripe to the client's
 * available balance, where the balance and the transactions listing show it. Stripe cannot retry such a refund (it
 * would go to the same dead card), so it is returned to the client some other way (docs/payments.md, "Money out").
 *
 * At most once, in any order: the three events, and their redeliveries, all name the same refund, and the
 * reference `refund_failed:<re_...>` posts once. A `canceled` refund also never left, and is treated the same.
 * `pending`, `requires_action` and `succeeded` need nothing: what was settled stands.
 *
 * The failure may arrive before our settlement: Stripe made the refund, but the attempt that made it has not
 * recorded Stripe's answer yet (it is in flight, or its answer was lost and the retry has not run). Throwing for a
 * redelivery would wait on that attempt, and an attempt that never settles (a lost answer followed by a refusal)
 * would leave the money in pending_refund for good. Instead this handler settles and reverses in one transaction,
 * under the call's row lock, and marks the call failed; the attempt's own settlement only applies to a call still
 * pending (markCallSucceeded), so it finds nothing to do when it lands.
 */
import type { Tx } from '../../db/client';
import { findTransactionByReference } from '../../db/queries/ledger';
import { lockPendingCall, markCallFailedAtStripe } from '../../db/queries/pending-calls';
import { formatUsd } from '../../lib/money';
import { availableAccount, post, stripeExternalAccount } from '../ledger';
import { postSettlement, settlementReference } from './pending-calls';
import type { Stripe } from './stripe-client';
import type { EventOutcome } from './stripe-event-handler';

type RefundEvent = Stripe.RefundFailedEvent | Stripe.RefundUpdatedEvent | Stripe.ChargeRefundUpdatedEvent;

/** Statuses in which the refund's money did not leave Stripe: it is back in the platform's balance. */
const NOT_SENT = new Set(['failed', 'canceled']);

export const refundFailedReference = (refundId: string) => `refund_failed:${refundId}`;

export async function onRefundChanged(tx: Tx, event: RefundEvent): Promise<EventOutcome> {
  const refund = event.data.object;
  if (!refund.status || !NOT_SENT.has(refund.status)) return 'ignored';
  // recordPendingCall puts the call's idempotency key on every object it makes; a refund without it is not ours.
  const key = refund.metadata?.idempotency_key;
  if (!key) return 'ignored';
  // The call's row lock orders this against the attempt settling it and against the other events of this refund.
  const call = await lockPendingCall(tx, key);
  if (!call || call.kind !== 'refund' || !call.userId || !call.holdAccountId) return 'ignored';
  if (call.stripeObjectId && call.stripeObjectId !== refund.id) {
    report('warn', `stripe refund ${refund.id} claims call ${key}, which made refund ${call.stripeObjectId}; ignored`, call);
    return 'ignored';
  }
  if (await findTransactionByReference(tx, refundFailedReference(refund.id))) return 'stale';
  // We asked for exactly this amount; another figure means something else happened, which a person must look at.
  // Throwing leaves the event unrecorded, so Stripe delivers it again once that is sorted out.
  if (refund.amount !== call.amountCents) {
    throw new Error(`stripe refund ${refund.id} of ${refund.amount} cents failed, but call ${key} refunded ${call.amountCents}`);
  }

  const reason = refund.failure_reason ?? refund.status;
  const settled = Boolean(await findTransactionByReference(tx, settlementReference(key)));
  // Postings lock their accounts in id order; posting the reversal (available:, external:) before the settlement
  // (external:, pending_refund:) keeps this whole transaction in that order too, so it cannot deadlock with another.
  await post(tx, {
    reference: refundFailedReference(refund.id),
    kind: 'reversal',
    taskId: call.taskId,
    userId: call.userId,
    memo: `Refund ${refund.id} failed at Stripe (${reason}); the money is back in your available balance`,
    simulated: call.simulated,
    entries: [
      { account: stripeExternalAccount(call.livemode), amountCents: -call.amountCents },
      { account: availableAccount(call.userId, call.livemode), amountCents: call.amountCents },
    ],
  });
  if (!settled) await postSettlement(tx, call, refund.id, call.simulated);
  await markCallFailedAtStripe(tx, call.id, { stripeObjectId: refund.id, lastError: `refund ${refund.id} failed at Stripe: ${reason}` });
  report(
    'error',
    `stripe refund ${refund.id} (${key}) failed: ${reason}; ${formatUsd(call.amountCents)} credited to the available balance of ${call.userId}, to be returned another way`,
    call,
  );
  return 'applied';
}

function report(level: 'warn' | 'error', message: string, call: { taskId: string | null; userId: string | null; amountCents: number }): void {
  console.error(JSON.stringify({ level, message, task_id: call.taskId, user_id: call.userId, amount_cents: call.amountCents }));
}
