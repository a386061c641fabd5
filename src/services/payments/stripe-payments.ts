/** The real backend: Stripe Checkout, refunds, Connect transfers and payouts through the SDK. */
import type { AppEnv } from '../../env';
import type {
  CheckoutRequest,
  CheckoutSession,
  ConnectAccount,
  MoneyCall,
  MoneyCallOutcome,
  PaymentsProvider,
} from './provider';
import { createStripeClient, Stripe } from './stripe-client';

/** 400-class errors that can clear up by themselves (e.g. the platform balance fills up), so retrying is right. */
const RETRYABLE_CODES = new Set(['balance_insufficient', 'lock_timeout', 'rate_limit']);

/** Retry what may succeed later (network, 5xx, 429, 409, auth until someone fixes the key); not what Stripe refused. */
export function classifyStripeFailure(err: unknown): { retryable: boolean; message: string } {
  if (err instanceof Stripe.errors.StripeError) {
    const status = err.statusCode ?? 0;
    const refused = (status === 400 || status === 402 || status === 404) && !RETRYABLE_CODES.has(err.code ?? '');
    const code = err.code ? ` (${err.code})` : '';
    return { retryable: !refused, message: `${err.type}${code}: ${err.message}`.slice(0, 500) };
  }
  return { retryable: true, message: (err instanceof Error ? err.message : String(err)).slice(0, 500) };
}

const named = (key: string) => (object: { metadata?: Stripe.Metadata | null }) => object.metadata?.idempotency_key === key;

export class StripePayments implements PaymentsProvider {
  readonly mode = 'stripe' as const;
  readonly #env: AppEnv;

  constructor(env: AppEnv) {
    this.#env = env;
  }

  async createCheckoutSession(request: CheckoutRequest): Promise<CheckoutSession> {
    const stripe = createStripeClient(this.#env);
    const session = await stripe.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: request.currency,
              unit_amount: request.amountCents,
              product_data: { name: request.productName },
            },
          },
        ],
        client_reference_id: request.clientReferenceId,
        metadata: request.metadata,
        payment_intent_data: { transfer_group: request.transferGroup, metadata: request.metadata },
        success_url: request.successUrl,
        cancel_url: request.cancelUrl,
        expires_at: Math.floor(request.expiresAt.getTime() / 1000),
      },
      { idempotencyKey: request.idempotencyKey },
    );
    if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a url`);
    return { id: session.id, url: session.url, expiresAt: new Date(session.expires_at * 1000), simulated: false };
  }

  async expireCheckoutSession(sessionId: string): Promise<void> {
    await createStripeClient(this.#env).checkout.sessions.expire(sessionId);
  }

  async paymentCharge(paymentIntentId: string): Promise<string | null> {
    const intent = await createStripeClient(this.#env).paymentIntents.retrieve(paymentIntentId);
    const charge = intent.latest_charge;
    return typeof charge === 'string' ? charge : (charge?.id ?? null);
  }

  async execute(call: MoneyCall, attempt: { retry: boolean }): Promise<MoneyCallOutcome> {
    // No SDK-level retries: the pending-call job retries with backoff, and each attempt is counted there.
    const stripe = createStripeClient(this.#env, { maxNetworkRetries: 0 });
    const options: Stripe.RequestOptions = { idempotencyKey: call.idempotencyKey };
    if (call.stripeAccount) options.stripeAccount = call.stripeAccount;
    try {
      if (attempt.retry) {
        const earlier = await this.#findEarlier(stripe, call);
        if (earlier) return { ok: true, id: earlier, simulated: false };
      }
      const created =
        call.kind === 'refund'
          ? await stripe.refunds.create(call.params as unknown as Stripe.RefundCreateParams, options)
          : call.kind === 'transfer'
            ? await stripe.transfers.create(call.params as unknown as Stripe.TransferCreateParams, options)
            : await stripe.payouts.create(call.params as unknown as Stripe.PayoutCreateParams, options);
      return { ok: true, id: created.id, simulated: false };
    } catch (err) {
      return { ok: false, ...classifyStripeFailure(err) };
    }
  }

  /** The object an earlier attempt of this call created, if any (its metadata names the idempotency key). */
  async #findEarlier(stripe: Stripe, call: MoneyCall): Promise<string | null> {
    const listOptions: Stripe.RequestOptions = call.stripeAccount ? { stripeAccount: call.stripeAccount } : {};
    const match = named(call.idempotencyKey);
    if (call.kind === 'refund') {
      const paymentIntent = call.params.payment_intent;
      if (typeof paymentIntent !== 'string') return null;
      const refunds = await stripe.refunds.list({ payment_intent: paymentIntent, limit: 100 }, listOptions);
      return refunds.data.find(match)?.id ?? null;
    }
    if (call.kind === 'transfer') {
      const group = call.params.transfer_group;
      if (typeof group !== 'string') return null;
      const transfers = await stripe.transfers.list({ transfer_group: group, limit: 100 }, listOptions);
      return transfers.data.find(match)?.id ?? null;
    }
    const payouts = await stripe.payouts.list({ limit: 100 }, listOptions);
    return payouts.data.find(match)?.id ?? null;
  }

  async createConnectAccount(input: { userId: string; email: string }): Promise<ConnectAccount> {
    const account = await createStripeClient(this.#env).accounts.create(
      {
        type: 'express',
        email: input.email,
        capabilities: { transfers: { requested: true } },
        // account.updated finds the professional by this when it arrives before the account id is saved.
        metadata: { user_id: input.userId },
      },
      { idempotencyKey: `connect:${input.userId}` },
    );
    return { id: account.id, payoutsEnabled: account.payouts_enabled ?? false, simulated: false };
  }

  async createOnboardingLink(input: { accountId: string; refreshUrl: string; returnUrl: string }): Promise<{ url: string }> {
    const link = await createStripeClient(this.#env).accountLinks.create({
      account: input.accountId,
      refresh_url: input.refreshUrl,
      return_url: input.returnUrl,
      type: 'account_onboarding',
    });
    return { url: link.url };
  }
}
