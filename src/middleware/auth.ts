import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppBindings, Caller, VerifiedCredential } from '../context';
import { ApiError } from '../lib/errors';
import { looksLikeApiKey } from '../services/api-keys';
import { resolveCaller, verifyCredential, type Credential } from '../services/credentials';
import { countRequest } from '../services/request-limits';

const unauthorized = (message: string) => new ApiError('UNAUTHORIZED', message);

/**
 * The credential sent, from `Authorization: Bearer <jwt | ghh_ key>` or `X-API-Key: ghh_...`; null when none.
 * Two different credentials in one request are refused rather than one silently chosen.
 */
function readCredential(c: Context<AppBindings>): Credential | null {
  const authorization = c.req.header('Authorization');
  const headerKey = c.req.header('X-API-Key')?.trim();
  let bearer: string | undefined;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw unauthorized('Use "Authorization: Bearer <access token or API key>".');
    bearer = match[1]!;
  }
  if (bearer !== undefined && headerKey !== undefined && bearer !== headerKey) {
    throw unauthorized('Send one credential: either an Authorization header or an X-API-Key header.');
  }
  if (bearer === undefined && headerKey !== undefined) {
    if (!looksLikeApiKey(headerKey)) throw unauthorized('X-API-Key takes an API key (ghh_...).');
    return { kind: 'api_key', key: headerKey };
  }
  if (bearer === undefined) return null;
  return looksLikeApiKey(bearer) ? { kind: 'api_key', key: bearer } : { kind: 'jwt', token: bearer };
}

/** 403 unless the caller's role is listed (an empty list allows any signed-in account). */
export function requireRole(caller: Caller, roles: readonly Caller['role'][]): void {
  if (roles.length > 0 && !roles.includes(caller.role)) {
    throw new ApiError('FORBIDDEN', `This action is for ${roles.join(' or ')} accounts.`);
  }
}

/**
 * The credential checked as far as it can be without the database (a bad token or a malformed key is 401 here),
 * then the request counted against the credential's limit (429 RATE_LIMITED): before the role check, since a caller
 * looping on 403s is load too, and before any database read, which the limit is there to protect.
 */
async function verifiedCredential(c: Context<AppBindings>): Promise<VerifiedCredential> {
  const credential = readCredential(c);
  if (!credential) throw unauthorized('Authentication required: send "Authorization: Bearer <token>" or "X-API-Key: ghh_...".');
  const verified = await verifyCredential(c.env, credential);
  await countRequest(c.env.API_RATE_LIMITER, verified);
  return verified;
}

/**
 * The one auth middleware: a JWT or an API key -> c.var.caller ({ id, role, authMethod, apiKeyId }).
 * `roles` lists who may call the route (none listed: any signed-in account); anyone else gets 403 (a route
 * that must hide existence checks ownership itself and answers 404).
 */
export function requireAuth(...roles: Caller['role'][]) {
  return createMiddleware<AppBindings>(async (c, next) => {
    const caller = await resolveCaller(c.var.db, await verifiedCredential(c));
    c.set('caller', caller);
    requireRole(caller, roles);
    await next();
  });
}

/**
 * For a read open to any signed-in caller whose own statement checks who is reading (one round trip in all):
 * c.var.credential only; the route's service turns it into the caller, or a 401.
 */
export const requireCredential = createMiddleware<AppBindings>(async (c, next) => {
  c.set('credential', await verifiedCredential(c));
  await next();
});
