/**
 * The web app's session: an HttpOnly cookie holding the very access token POST /auth/login issues (the same JWT, the
 * same signing keys and lifetime, checked by the same resolveCaller as the API's bearer tokens). No session table:
 * signing out deletes the cookie; the token then lapses within JWT_TTL_SECONDS like any other.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppBindings, Caller } from '../context';
import type { UserRow } from '../db/queries/users';
import { ApiError } from '../lib/errors';
import { clientIp } from '../middleware/rate-limit';
import { signIn } from '../services/accounts';
import { resolveCaller, verifyCredential } from '../services/credentials';
import { countRequest } from '../services/request-limits';
import { checkFormToken, formTokenOf } from './csrf';

export const SESSION_COOKIE = 'ghh_session';
export const APP_PATH = '/app';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Secure everywhere except plain http on a loopback host (npm run dev, the tests), where a Secure cookie would never
 * come back. Production is https only (requireHttps). SameSite=Lax: a cross-site form post arrives without it.
 */
function cookieOptions(c: Context, maxAge?: number): CookieOptions {
  const url = new URL(c.req.url);
  const secure = !(url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  return { path: APP_PATH, httpOnly: true, secure, sameSite: 'Lax', ...(maxAge === undefined ? {} : { maxAge }) };
}

/** Signs in with the API's own signIn (its rate limits included) and keeps the token in the cookie. */
export async function startSession(c: Context<AppBindings>, email: string, password: string): Promise<UserRow> {
  const { user, token, expiresIn } = await signIn(c.var.db, c.env, { email, password, ip: clientIp(c) });
  setCookie(c, SESSION_COOKIE, token, cookieOptions(c, expiresIn));
  return user;
}

export function endSession(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, cookieOptions(c));
}

/** Where a signed-out visitor is sent: the sign-in page, which returns them to `next` afterwards. */
export function signInRedirect(c: Context): Response {
  const next = c.req.method === 'GET' ? `?next=${encodeURIComponent(c.req.path + new URL(c.req.url).search)}` : '';
  return c.redirect(`${APP_PATH}/sign-in${next}`, 303);
}

/** Only a path inside the app is followed after sign-in, never another site (an open redirect). */
export function safeNext(next: string | undefined): string {
  return next && next.startsWith(`${APP_PATH}/`) && !next.startsWith('//') && !next.includes('\\') ? next : APP_PATH;
}

/** The signed-in account and the token its forms carry. */
export interface WebSession {
  caller: Caller;
  formToken: string;
}

/**
 * For every page behind sign-in: the cookie's token becomes c.var.caller exactly as a bearer token would (the same
 * checks, the API's per-caller request limit counted), and a state-changing request must carry the session's form
 * token. A missing, expired or revoked session goes to the sign-in page.
 */
export const requireSession = createMiddleware<AppBindings>(async (c, next) => {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return signInRedirect(c);
  let caller: Caller;
  try {
    const credential = await verifyCredential(c.env, { kind: 'jwt', token });
    await countRequest(c.env.API_RATE_LIMITER, credential);
    caller = await resolveCaller(c.var.db, credential);
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 'UNAUTHORIZED')) throw err;
    endSession(c);
    return signInRedirect(c);
  }
  c.set('caller', caller);
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') await checkFormToken(c, token);
  await next();
});

/** The session of a request that passed requireSession. */
export async function webSession(c: Context<AppBindings>): Promise<WebSession> {
  return { caller: c.var.caller, formToken: await formTokenOf(getCookie(c, SESSION_COOKIE)!) };
}
