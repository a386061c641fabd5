/**
 * The Stripe SDK as the Worker uses it: fetch for HTTP (workerd has no node:http), an explicitly pinned API
 * version (an SDK upgrade must not change what Stripe sends us without a code change), and in tests the host of
 * the local Stripe fake. Built per use: it holds no sockets, and nothing per request lives in module scope.
 */
import Stripe from 'stripe';
import { isProduction, type AppEnv } from '../../env';

/** The API version our code and our webhook endpoint speak. TypeScript flags it when the SDK moves on. */
export const STRIPE_API_VERSION = '2026-10-28.endive' satisfies Stripe.LatestApiVersion;

export interface StripeClientOptions {
  /** The SDK's own quick retries. Money-moving calls use 0: the pending-call job owns their retries. */
  maxNetworkRetries?: number;
}

export function createStripeClient(env: AppEnv, options: StripeClientOptions = {}): Stripe {
  const key = env.STRIPE_SECRET_KEY;
  if (!key) throw new Error('STRIPE_SECRET_KEY is not set');
  const config: Stripe.StripeConfig = {
    apiVersion: STRIPE_API_VERSION,
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: options.maxNetworkRetries ?? 1,
    // Below the pending-call lease (2 min), so a slow call never overlaps its own retry.
    timeout: 20_000,
    appInfo: { name: 'GoHireHumans' },
  };
  if (env.STRIPE_API_URL) {
    // Only the test suite points Stripe elsewhere; in production that would hand the secret key to another host.
    if (isProduction(env)) throw new Error('STRIPE_API_URL must not be set in production');
    const url = new URL(env.STRIPE_API_URL);
    config.host = url.hostname;
    config.port = url.port;
    config.protocol = url.protocol === 'http:' ? 'http' : 'https';
  }
  return new Stripe(key, config);
}

export { Stripe };
