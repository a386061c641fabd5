/**
 * What the rest of the app needs from a payments backend, whichever runs: Stripe (stripe-payments.ts) or the
 * development simulation (local-payments.ts); active-provider.ts picks one. Services depend on this interface,
 * never on the SDK directly.
 */
import { ApiError } from '../../lib/errors';
import type { PaymentsMode } from './config';
import { Stripe } from './stripe-client';

export interface CheckoutRequest {
  amountCents: number;
  currency: 'usd';
  /** Shown on the payment page. */
  productName: string;
  /** Names what is paid for (the task); Stripe echoes it on the session and its events. */
  clientReferenceId: string;
  metadata: Record<string, string>;
  /** Stripe transfer_group for the payment, so later transfers can be tied to it. */
  transferGroup: string;
  successUrl: string;
  cancelUrl: string;
  expiresAt: Date;
  idempotencyKey: string;
}

export interface CheckoutSession {
  id: string;
  url: string;
  expiresAt: Date;
  simulated: boolean;
}

export type MoneyCallKind = 'refund' | 'transfer' | 'payout';

/** One outbound money-moving call, as recorded in pending_stripe_calls. */
export interface MoneyCall {
  kind: MoneyCallKind;
  /** Stripe's request parameters, exactly as sent; metadata.idempotency_key names the call on the created object. */
  params: Record<string, unknown>;
  idempotencyKey: string;
  /** Stripe-Account header: the connected account the call acts on (payouts). */
  stripeAccount: string | null;
}

export type MoneyCallOutcome =
  | { ok: true; id: string; simulated: boolean }
  /** `retryable: false` means Stripe refused the request itself; asking again cannot succeed. */
  | { ok: false; retryable: boolean; message: string };

export interface ConnectAccount {
  id: string;
  payoutsEnabled: boolean;
  simulated: boolean;
}

export interface PaymentsProvider {
  readonly mode: PaymentsMode;
  createCheckoutSession(request: CheckoutRequest): Promise<CheckoutSession>;
  expireCheckoutSession(sessionId: string): Promise<void>;
  /** The charge a payment made (a transfer's source_transaction); null while it has none. */
  paymentCharge(paymentIntentId: string): Promise<string | null>;
  /**
   * Makes the call. On a retry the provider first looks for an object an earlier attempt created (matched by
   * metadata.idempotency_key), so a retry after Stripe's 24-hour idempotency window still never pays twice.
   */
  execute(call: MoneyCall, attempt: { retry: boolean }): Promise<MoneyCallOutcome>;
  createConnectAccount(input: { userId: string; email: string }): Promise<ConnectAccount>;
  createOnboardingLink(input: { accountId: string; userId: string; refreshUrl: string; returnUrl: string }): Promise<{ url: string }>;
}

/**
 * A provider call made on behalf of an API request (not a money-moving call: those are pending calls). Stripe
 * failing or refusing becomes 503 PAYMENTS_UNAVAILABLE (logged with Stripe's message; the caller may retry, and an
 * Idempotency-Key is released on 5xx so the retry acts afresh). Anything else is a bug and stays a 500.
 */
export async function providerCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof Stripe.errors.StripeError)) throw err;
    console.error(JSON.stringify({ level: 'error', message: `stripe: could not ${what}: ${err.type} ${err.code ?? ''} ${err.message}` }));
    throw new ApiError('PAYMENTS_UNAVAILABLE', `Payments could not ${what} just now. Try again shortly.`);
  }
}
