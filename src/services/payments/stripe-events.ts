/**
 * Stripe webhooks: verification, at-most-once processing, and the handler registry.
 *
 * At most once: the event id is inserted into stripe_events (primary key) in the same database transaction as the
 * handler's effect. A redelivery finds the id and changes nothing; a concurrent duplicate waits on the key until
 * the first commits; if a handler throws, the whole transaction (the id included) rolls back and the 500 makes
 * Stripe deliver it again later.
 *
 * Out of order: Stripe does not promise order, so handlers converge on the state an event's object shows
 * instead of replaying deltas. Each effect is keyed by what it settles, never by the event:
 *   - money: a ledger reference per fact ("fund:<checkout session>"), so checkout.session.completed (paid) and
 *     checkout.session.async_payment_succeeded, in either order, credit escrow once;
 *   - state: monotonic transitions (a checkout goes pending -> paid | failed | expired and never back, so a late
 *     "completed, unpaid" after "async_payment_succeeded" does nothing);
 *   - snapshots of mutable objects (account.updated): applied only when newer than the last applied (event.created).
 * A handler whose prerequisite is missing may throw to have Stripe redeliver later; one that finds nothing of ours
 * answers "ignored".
 */
import { z } from '@hono/zod-openapi';
import type { Db, Tx } from '../../db/client';
import { claimStripeEvent, findStripeEvent, setStripeEventOutcome } from '../../db/queries/stripe-events';
import type { AppEnv } from '../../env';
import { ApiError } from '../../lib/errors';
import { unstorableText, validationError } from '../../lib/router';
import { AfterCommitWork } from './after-commit';
import { onAsyncPaymentFailed, onAsyncPaymentSucceeded, onCheckoutCompleted, onCheckoutExpired, lookUpCharge } from './checkout-events';
import { webhookSecrets } from './config';
import { onAccountUpdated } from './connect';
import type { PaymentsProvider } from './provider';
import { onRefundChanged } from './refund-events';
import { Stripe } from './stripe-client';
import type { EventFacts, EventHandler, EventOfType, EventOutcome } from './stripe-event-handler';

/** applied: changed something; ignored: nothing of ours (unknown type, unknown object); stale: older than what we know. */
/**
 * Handlers by event type; types not listed are recorded as ignored and answered 200. Refunds and transfers are
 * settled in the ledger when Stripe accepts our call (pending-calls.ts), the one place that counts them, so
 * charge.refunded and transfer.* need no handler. A refund can still fail after that: the refund events below
 * bring such money back (refund-events.ts).
 */
export const STRIPE_EVENT_HANDLERS: { [T in Stripe.Event['type']]?: EventHandler<T> } = {
  'account.updated': onAccountUpdated,
  'checkout.session.completed': onCheckoutCompleted,
  'checkout.session.async_payment_succeeded': onAsyncPaymentSucceeded,
  'checkout.session.async_payment_failed': onAsyncPaymentFailed,
  'checkout.session.expired': onCheckoutExpired,
  'refund.failed': onRefundChanged,
  'refund.updated': onRefundChanged,
  'charge.refund.updated': onRefundChanged,
};

export type EventLookup<T extends Stripe.Event['type'] = Stripe.Event['type']> = (
  event: EventOfType<T>,
  provider: PaymentsProvider,
) => Promise<EventFacts>;

/** Reads from Stripe an event's handler needs, made before the transaction; a failure is a 500 and a redelivery. */
export const STRIPE_EVENT_LOOKUPS: { [T in Stripe.Event['type']]?: EventLookup<T> } = {
  'checkout.session.completed': lookUpCharge,
  'checkout.session.async_payment_succeeded': lookUpCharge,
};

const signatureError = (message: string) =>
  new ApiError('VALIDATION_ERROR', message, { details: [{ path: 'Stripe-Signature', message }] });

/**
 * The event, if the Stripe-Signature header signs this exact body with one of our secrets within Stripe's 5-minute
 * tolerance. (The SDK checks the signature before the timestamp, so "tolerance" means a genuine but stale delivery.)
 */
export async function verifyStripeEvent(env: AppEnv, payload: string, signature: string | undefined): Promise<Stripe.Event> {
  if (!signature) throw signatureError('Missing Stripe-Signature header.');
  let stale = false;
  for (const secret of webhookSecrets(env)) {
    let event: Stripe.Event;
    try {
      event = await Stripe.webhooks.constructEventAsync(payload, signature, secret, undefined, Stripe.createSubtleCryptoProvider());
    } catch (err) {
      if (err instanceof SyntaxError) throw new ApiError('INVALID_JSON', 'The event body is not valid JSON.');
      if (err instanceof Error && /tolerance/i.test(err.message)) stale = true;
      continue;
    }
    return checkedEnvelope(event);
  }
  if (stale) throw signatureError('The Stripe-Signature timestamp is outside the tolerance window.');
  throw signatureError('The Stripe-Signature does not match this payload.');
}

/**
 * The fields processing stores and dispatches on, checked once the signature holds: a signed body is still input,
 * and one without an id, a type, a time or an object would otherwise fail deep in a handler as a 500 that Stripe
 * redelivers for days. Stripe's own events always pass.
 */
const EventEnvelope = z.looseObject({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  created: z.number().int().nonnegative().max(253_402_300_799),
  account: z.string().max(255).nullish(),
  data: z.looseObject({ object: z.looseObject({ id: z.string().max(255).optional() }) }),
});

function checkedEnvelope(event: Stripe.Event): Stripe.Event {
  const parsed = EventEnvelope.safeParse(event);
  const issues = parsed.success
    ? unstorableText({ id: event.id, type: event.type, account: event.account, data: { object: { id: parsed.data.data.object.id } } })
    : parsed.error.issues;
  if (issues.length > 0) throw validationError('json', issues);
  return event;
}

export interface ProcessedEvent {
  duplicate: boolean;
  outcome: EventOutcome | null;
  /** Stripe work to start now that the transaction committed (hand it to PaymentsContext.defer). */
  after: AfterCommitWork;
}

export async function processStripeEvent(db: Db, event: Stripe.Event, provider: PaymentsProvider): Promise<ProcessedEvent> {
  const after = new AfterCommitWork();
  // A redelivery of an event already processed skips the lookups; the claim below is what actually decides.
  if (await findStripeEvent(db, event.id)) return { duplicate: true, outcome: null, after };
  const lookup = STRIPE_EVENT_LOOKUPS[event.type] as EventLookup | undefined;
  const facts = lookup ? await lookup(event, provider) : {};
  const object = event.data.object as { id?: unknown };
  return db.transaction(async (tx) => {
    const fresh = await claimStripeEvent(tx, {
      id: event.id,
      type: event.type,
      objectId: typeof object.id === 'string' ? object.id : null,
      account: event.account ?? null,
      stripeCreatedAt: new Date(event.created * 1000),
      outcome: 'processing',
    });
    if (!fresh) return { duplicate: true, outcome: null, after: new AfterCommitWork() };
    const handler = STRIPE_EVENT_HANDLERS[event.type] as EventHandler | undefined;
    const outcome = handler ? await handler(tx, event, { after, facts }) : 'ignored';
    await setStripeEventOutcome(tx, event.id, outcome);
    return { duplicate: false, outcome, after };
  });
}
