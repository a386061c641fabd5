/**
 * Which payments backend runs, and its secrets. With a STRIPE_SECRET_KEY the real Stripe flow runs (sk_test_ keys
 * included). Without one, development runs "local payments": checkout, Connect and transfers are simulated by
 * the Worker itself, and the events it delivers to /webhooks/stripe are signed with a fixed development secret.
 * Production never falls back: it refuses to serve without its keys (see src/env.ts).
 */
import { isProduction, type AppEnv } from '../../env';
import { ApiError } from '../../lib/errors';

export type PaymentsMode = 'stripe' | 'local';

/** Development only; a real deployment sets STRIPE_WEBHOOK_SECRET (Stripe's dashboard or `stripe listen` prints it). */
export const DEVELOPMENT_WEBHOOK_SECRET = 'whsec_development_only_local_payments_not_for_production';

const unavailable = () => new ApiError('PAYMENTS_UNAVAILABLE', 'Payments are not configured on this server.');

export function paymentsMode(env: AppEnv): PaymentsMode {
  if (env.STRIPE_SECRET_KEY) return 'stripe';
  if (isProduction(env)) throw unavailable();
  return 'local';
}

/**
 * The secrets /webhooks/stripe accepts. STRIPE_WEBHOOK_SECRET may list several, comma-separated: Stripe signs the
 * platform's events and Connect events (from connected accounts) at separate endpoints with separate secrets, and
 * a secret being rolled is valid alongside its successor for a while. The first one signs local-mode events.
 */
export function webhookSecrets(env: AppEnv): string[] {
  const configured = (env.STRIPE_WEBHOOK_SECRET ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (configured.length > 0) return configured;
  if (isProduction(env)) throw unavailable();
  return [DEVELOPMENT_WEBHOOK_SECRET];
}

export const webhookSecret = (env: AppEnv): string => webhookSecrets(env)[0]!;

const DEFAULT_FEE_BPS = 100;

/** PLATFORM_FEE_BPS: basis points of the escrowed amount kept on release (100 = 1%). */
export function platformFeeBps(env: AppEnv): number {
  const raw = env.PLATFORM_FEE_BPS;
  if (raw === undefined || raw === '') return DEFAULT_FEE_BPS;
  const bps = Number(raw);
  if (!Number.isInteger(bps) || bps < 0 || bps > 10_000) throw new Error(`PLATFORM_FEE_BPS must be 0..10000, got ${raw}`);
  return bps;
}
