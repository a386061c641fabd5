/**
 * Local payments (development without Stripe keys): the same interface as Stripe, simulated by the Worker.
 * Checkout and Connect onboarding are pages served under /local/ on the Worker's own origin; their buttons
 * deliver signed events to /webhooks/stripe (see local-events.ts). Refunds, transfers and payouts succeed at
 * once with ids marked `_local_` and `simulated: true`, which the ledger records.
 */
import type { AppEnv } from '../../env';
import type {
  CheckoutRequest,
  CheckoutSession,
  ConnectAccount,
  MoneyCall,
  MoneyCallOutcome,
  PaymentsProvider,
} from './provider';
import { digestHex, sealToken } from './local-tokens';

/** What a local checkout page shows and pays: the fields Stripe would keep on its Checkout Session. */
export interface LocalCheckout {
  id: string;
  amount_total: number;
  currency: string;
  product_name: string;
  client_reference_id: string;
  metadata: Record<string, string>;
  transfer_group: string;
  success_url: string;
  cancel_url: string;
  created: number;
  expires_at: number;
}

export interface LocalOnboarding {
  account: string;
  user_id: string;
  return_url: string;
  refresh_url: string;
}

const OBJECT_PREFIX = { refund: 're', transfer: 'tr', payout: 'po' } as const;

/** A refund, transfer or payout that succeeds at once, simulated; also how test money's calls are made (docs/sandbox.md). */
export async function executeLocally(call: MoneyCall): Promise<MoneyCallOutcome> {
  return { ok: true, id: `${OBJECT_PREFIX[call.kind]}_local_${await digestHex(call.idempotencyKey)}`, simulated: true };
}

export class LocalPayments implements PaymentsProvider {
  readonly mode = 'local' as const;
  readonly #env: AppEnv;
  readonly #origin: string | undefined;

  constructor(env: AppEnv, origin?: string) {
    this.#env = env;
    this.#origin = origin;
  }

  #page(path: string): string {
    if (!this.#origin) throw new Error('local payments need the server origin to build page URLs');
    return `${this.#origin}${path}`;
  }

  async createCheckoutSession(request: CheckoutRequest): Promise<CheckoutSession> {
    // Derived from the idempotency key, like Stripe answering a repeated request with the same session.
    const id = `cs_local_${await digestHex(request.idempotencyKey)}`;
    const checkout: LocalCheckout = {
      id,
      amount_total: request.amountCents,
      currency: request.currency,
      product_name: request.productName,
      client_reference_id: request.clientReferenceId,
      metadata: request.metadata,
      transfer_group: request.transferGroup,
      success_url: request.successUrl,
      cancel_url: request.cancelUrl,
      created: Math.floor(Date.now() / 1000),
      expires_at: Math.floor(request.expiresAt.getTime() / 1000),
    };
    const token = await sealToken(this.#env, 'checkout', checkout);
    return { id, url: this.#page(`/local/checkout/${id}?t=${token}`), expiresAt: request.expiresAt, simulated: true };
  }

  /** Nothing to do: the page refuses to pay past expires_at. An event for a session paid meanwhile is handled like Stripe's. */
  async expireCheckoutSession(): Promise<void> {}

  /** The simulated charge of a simulated payment, derived from it like every local id. */
  async paymentCharge(paymentIntentId: string): Promise<string | null> {
    return `ch_local_${await digestHex(paymentIntentId)}`;
  }

  execute(call: MoneyCall): Promise<MoneyCallOutcome> {
    return executeLocally(call);
  }

  async createConnectAccount(input: { userId: string }): Promise<ConnectAccount> {
    return { id: `acct_local_${await digestHex(`connect:${input.userId}`)}`, payoutsEnabled: false, simulated: true };
  }

  async createOnboardingLink(input: { accountId: string; userId: string; refreshUrl: string; returnUrl: string }): Promise<{ url: string }> {
    const onboarding: LocalOnboarding = {
      account: input.accountId,
      user_id: input.userId,
      return_url: input.returnUrl,
      refresh_url: input.refreshUrl,
    };
    const token = await sealToken(this.#env, 'connect', onboarding);
    return { url: this.#page(`/local/connect/${input.accountId}?t=${token}`) };
  }
}
