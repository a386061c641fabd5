import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppBindings, Caller } from '../context';
import { ApiError } from '../lib/errors';
import { looksLikeApiKey } from '../services/api-keys';
import { resolveCaller, type Credential } from '../services/credentials';
import { limitCallerRequests } from './rate-limit';

/** RFC 9110: a 401 names the scheme it wants. */
const unauthorized = (message: string) =>
  new ApiError('UNAUTHORIZED', message, { headers: { 'WWW-Authenticate': 'Bearer realm="gohirehumans"' } });

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
 * The one auth middleware: a JWT or an API key -> c.var.caller ({ id, role, authMethod, apiKeyId }), then the
 * caller's request limit (429 RATE_LIMITED).
 * `roles` lists who may call the route (none listed: any signed-in account); anyone else gets 403 (a route
 * that must hide existence checks ownership itself and answers 404).
 */
export function requireAuth(...roles: Caller['role'][]) {
  return createMiddleware<AppBindings>(async (c, next) => {
    const credential = readCredential(c);
    if (!credential) {
      throw unauthorized('Authentication required: send "Authorization: Bearer <token>" or "X-API-Key: ghh_...".');
    }
    let caller: Caller;
    try {
      caller = await resolveCaller(c.var.db, c.env, credential);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'UNAUTHORIZED') throw unauthorized(err.message);
      throw err;
    }
    c.set('caller', caller);
    // Before the role check: a caller looping on 403s is load too.
    await limitCallerRequests(c);
    requireRole(caller, roles);
    await next();
  });
}
