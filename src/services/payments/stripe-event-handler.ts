/**
 * What a Stripe event handler is: the dispatcher (stripe-events.ts) calls one per event type, inside the transaction
 * that records the event. Its own file, so the handlers (checkout-events.ts, connect.ts, refund-events.ts) and the
 * dispatcher that imports them depend on it rather than on each other.
 */
import type { Tx } from '../../db/client';
import type { AfterCommit } from './after-commit';
import type { Stripe } from './stripe-client';

export type EventOutcome = 'applied' | 'ignored' | 'stale';

/** What a handler may need from Stripe, looked up before its transaction opens (never inside one). */
export interface EventFacts {
  /** The charge of a paid checkout session's payment. */
  chargeId?: string | null;
}

export interface EventContext {
  /** Stripe work the handler's transaction leaves for after its commit (pending calls it recorded). */
  after: AfterCommit;
  facts: EventFacts;
}

export type EventOfType<T extends Stripe.Event['type']> = Extract<Stripe.Event, { type: T }>;
export type EventHandler<T extends Stripe.Event['type'] = Stripe.Event['type']> = (
  tx: Tx,
  event: EventOfType<T>,
  ctx: EventContext,
) => Promise<EventOutcome>;

