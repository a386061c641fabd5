/**
 * Paying a test task's checkout at once, so an agent's integration funds a test task with no one at a payment page.
 * The sandbox does what the local Pay page does when pressed: it makes that page's checkout.session.completed event and
 * processes it like any event Stripe sends, so the credit, the funding status, task.funded and everything after it
 * go through the one code path that settles real payments.
 */
import { openDb } from '../../db/client';
import type { AppEnv } from '../../env';
import { sandboxPayments } from '../payments/active-provider';
import { checkoutPaidEvent, readLocalCheckout } from '../payments/local-events';
import type { CheckoutSession } from '../payments/provider';
import type { Stripe } from '../payments/stripe-client';
import { processStripeEvent } from '../payments/stripe-events';

/** Runs as deferred work once the checkout is recorded; never throws (a failure is logged, and the checkout stays open). */
export async function paySandboxCheckout(env: AppEnv, session: CheckoutSession): Promise<void> {
  const handle = openDb(env);
  try {
    // The page's own token says what it pays, exactly as the page would read it.
    const checkout = await readLocalCheckout(env, session.id, new URL(session.url).searchParams.get('t') ?? undefined);
    if (!checkout) throw new Error(`checkout session ${session.id} has no local checkout token`);
    const event = JSON.parse((await checkoutPaidEvent(env, checkout, new Date())).payload) as Stripe.Event;
    const processed = await processStripeEvent(handle.db, event, sandboxPayments(env));
    // Already deferred work: what the payment leaves (task.funded deliveries, the professional's first step) runs here.
    await processed.after.run(env);
  } catch (err) {
    console.error(JSON.stringify({ level: 'warn', message: `sandbox payment of ${session.id}: ${err instanceof Error ? err.message : String(err)}` }));
  } finally {
    await handle.close().catch(() => undefined);
  }
}
