/** Which payments backend runs here: Stripe with a secret key, else the local simulation (development only). */
import type { AppEnv } from '../../env';
import { paymentsMode } from './config';
import { LocalPayments } from './local-payments';
import type { PaymentsProvider } from './provider';
import { StripePayments } from './stripe-payments';

/**
 * The provider for this environment. `origin` (the Worker's own https://host) is where local mode serves its
 * checkout and onboarding pages; jobs that only move money may omit it.
 */
export function paymentsProvider(env: AppEnv, origin?: string): PaymentsProvider {
  return paymentsMode(env) === 'stripe' ? new StripePayments(env) : new LocalPayments(env, origin);
}

/** What opens and settles a test task's checkouts: local payments, whichever backend runs (docs/sandbox.md). */
export function sandboxPayments(env: AppEnv, origin?: string): PaymentsProvider {
  return new LocalPayments(env, origin);
}

/** The provider that handles a checkout session: ours (`cs_local_...`) or Stripe's. */
export function providerForSession(env: AppEnv, sessionId: string, origin?: string): PaymentsProvider {
  return sessionId.startsWith('cs_local_') ? new LocalPayments(env, origin) : paymentsProvider(env, origin);
}
