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
