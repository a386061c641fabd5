/**
 * The app's Env: bindings and vars come from `wrangler types` (worker-configuration.d.ts, never hand-written).
 * Secrets are typed there as always present; here they are optional, because development runs without them.
 */
type SecretName =
  | 'DATABASE_URL'
  | 'DB_RELAY_PORT'
  | 'JWT_SIGNING_KEYS'
  | 'STRIPE_SECRET_KEY'
  | 'STRIPE_WEBHOOK_SECRET'
  | 'WEBHOOK_SECRETS_KEY'
  // Tests only: where the Stripe fake listens (see src/services/payments/stripe-client.ts).
  | 'STRIPE_API_URL';

export type AppEnv = Omit<Cloudflare.Env, SecretName> & Partial<Pick<Cloudflare.Env, SecretName>>;

/** Secrets production cannot run without. Development falls back to local defaults for each. */
export const PRODUCTION_SECRETS = ['DATABASE_URL', 'JWT_SIGNING_KEYS', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'WEBHOOK_SECRETS_KEY'] as const;

export const isProduction = (env: AppEnv): boolean => env.ENVIRONMENT === 'production';

export function missingProductionSecrets(env: AppEnv): string[] {
  if (!isProduction(env)) return [];
  return PRODUCTION_SECRETS.filter((name) => !env[name]);
}
