/**
 * Requests per signed-in caller, counted by Cloudflare's rate limiting binding (API_RATE_LIMITER in wrangler.toml):
 * a counter local to the Cloudflare location that costs no round trip to Postgres, so it can run on every request.
 * It is approximate and per location by design; the exact, durable limits (failed logins, registrations) stay in
 * Postgres (./rate-limits.ts).
 */
import type { VerifiedCredential } from '../context';
import { ApiError } from '../lib/errors';

/**
 * The binding's period. It cannot be read from the binding at run time, so wrangler.toml keeps every
 * API_RATE_LIMITER* binding at 60 s and this says so to the client as Retry-After: the longest it may have to wait.
 */
export const REQUEST_LIMIT_PERIOD_SECONDS = 60;

/**
 * One bucket per API key when called with a key, so one runaway agent does not lock its owner's other keys or
 * the owner's own session; otherwise one per account. Keys are told apart by their hash, known before any database
 * read: the limit is counted first, and a flood of unknown or revoked keys is held back like any other.
 */
export function requestLimitKey(credential: VerifiedCredential): string {
  return credential.kind === 'api_key' ? `key:${credential.keyHash}` : `user:${credential.userId}`;
}

/** Counts one request for the caller; 429 RATE_LIMITED with Retry-After once the caller is over the limit. */
export async function countRequest(limiter: RateLimit, credential: VerifiedCredential): Promise<void> {
  let allowed: boolean;
  try {
    ({ success: allowed } = await limiter.limit({ key: requestLimitKey(credential) }));
  } catch (err) {
    // The limiter protects capacity, it is not a rule about the caller's data: if it cannot answer, serve the request.
    console.error(JSON.stringify({ level: 'error', message: `request limiter unavailable: ${String(err)}` }));
    return;
  }
  if (allowed) return;
  throw new ApiError(
    'RATE_LIMITED',
    `Too many requests for this ${credential.kind === 'api_key' ? 'API key' : 'account'}. Try again in ${REQUEST_LIMIT_PERIOD_SECONDS} seconds.`,
    { headers: { 'Retry-After': String(REQUEST_LIMIT_PERIOD_SECONDS) } },
  );
}
