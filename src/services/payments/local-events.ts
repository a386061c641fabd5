/**
 * The events local payments deliver to /webhooks/stripe: shaped like Stripe's (a `checkout.session.completed`
 * carrying a paid Checkout Session, an `account.updated` carrying an Express account) and signed exactly as
 * Stripe signs them, with the development webhook secret. The webhook cannot tell them from Stripe's, which is
 * the point: local mode runs the same settlement code as production.
 */
import type { AppEnv } from '../../env';
import { webhookSecret } from './config';
import type { LocalCheckout, LocalOnboarding } from './local-payments';
import { digestHex, openToken } from './local-tokens';
import { STRIPE_API_VERSION, Stripe } from './stripe-client';

export interface SignedEvent {
  payload: string;
  /** The Stripe-Signature header value. */
  signature: string;
}

export async function signEvent(env: AppEnv, event: object): Promise<SignedEvent> {
  const payload = JSON.stringify(event, null, 2);
  const signature = await Stripe.webhooks.generateTestHeaderStringAsync({
    payload,
    secret: webhookSecret(env),
    cryptoProvider: Stripe.createSubtleCryptoProvider(),
  });
  return { payload, signature };
}

/** The event id is derived from what happened, so pressing Pay twice delivers one event twice (and it counts once). */
async function event(type: string, object: { id: string }, now: Date, extra: Record<string, unknown> = {}) {
  return {
    id: `evt_local_${await digestHex(`${type}:${object.id}`)}`,
    object: 'event',
    api_version: STRIPE_API_VERSION,
    created: Math.floor(now.getTime() / 1000),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    ...extra,
  };
}

export async function readLocalCheckout(env: AppEnv, id: string, token: string | undefined): Promise<LocalCheckout | null> {
  const checkout = await openToken<LocalCheckout>(env, 'checkout', token);
  return checkout?.id === id ? checkout : null;
}

export const isExpired = (checkout: LocalCheckout, now: Date) => checkout.expires_at * 1000 <= now.getTime();

/** Where Stripe would send the payer after paying ({CHECKOUT_SESSION_ID} filled in, as Stripe does). */
export const successRedirect = (checkout: LocalCheckout) => checkout.success_url.replaceAll('{CHECKOUT_SESSION_ID}', checkout.id);

export async function checkoutPaidEvent(env: AppEnv, checkout: LocalCheckout, now: Date): Promise<SignedEvent> {
  const session = {
    id: checkout.id,
    object: 'checkout.session',
    amount_subtotal: checkout.amount_total,
    amount_total: checkout.amount_total,
    cancel_url: checkout.cancel_url,
    client_reference_id: checkout.client_reference_id,
    created: checkout.created,
    currency: checkout.currency,
    customer: null,
    expires_at: checkout.expires_at,
    livemode: false,
    metadata: checkout.metadata,
    mode: 'payment',
    payment_intent: `pi_local_${await digestHex(checkout.id)}`,
    payment_status: 'paid',
    status: 'complete',
    success_url: checkout.success_url,
    url: null,
  };
  return signEvent(env, await event('checkout.session.completed', session, now));
}

export function readLocalOnboarding(env: AppEnv, accountId: string, token: string | undefined): Promise<LocalOnboarding | null> {
  return openToken<LocalOnboarding>(env, 'connect', token).then((o) => (o?.account === accountId ? o : null));
}

/** The account as Stripe reports it once onboarding is done: details submitted, charges and payouts enabled. */
export async function onboardingCompletedEvent(env: AppEnv, onboarding: LocalOnboarding, now: Date): Promise<SignedEvent> {
  const account = {
    id: onboarding.account,
    object: 'account',
    type: 'express',
    country: 'US',
    default_currency: 'usd',
    charges_enabled: true,
    details_submitted: true,
    payouts_enabled: true,
    capabilities: { transfers: 'active' },
    metadata: { user_id: onboarding.user_id },
  };
  return signEvent(env, await event('account.updated', account, now, { account: onboarding.account }));
}
