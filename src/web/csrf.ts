/**
 * Cross-site request forgery, refused twice over:
 *
 * 1. Every state-changing request to /app must come from a page of this origin: Hono's csrf middleware accepts a
 *    form only with `Sec-Fetch-Site: same-origin` or an `Origin` equal to the app's own (browsers send both on every
 *    form POST). It guards the sign-in and sign-up forms too, which have no session yet.
 * 2. A signed-in form also carries a token bound to the session (a hash of the session cookie's JWT, which a page on
 *    another origin cannot read, so it cannot compute the token either). This holds even where Origin is missing or
 *    a same-site page (another port or subdomain, which SameSite=Lax lets the cookie reach) is hostile.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import { csrf } from 'hono/csrf';
import type { AppBindings } from '../context';
import { ApiError } from '../lib/errors';

const sameOriginOnly = csrf();

export const crossSiteRefused = () =>
  new ApiError('FORBIDDEN', 'This form was sent from another site, so it was refused. Open the page on GoHireHumans and send it from there.');

/** Refuses a cross-origin form before anything reads it. */
export const refuseCrossSiteForms = createMiddleware<AppBindings>(async (c, next) => {
  try {
    await sameOriginOnly(c, async () => undefined);
  } catch (err) {
    if (err instanceof HTTPException && err.status === 403) throw crossSiteRefused();
    throw err;
  }
  await next();
});

/** The form token of a session: a digest of its JWT, under a label of its own so it is used for nothing else. */
export async function formTokenOf(sessionJwt: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`gohirehumans web form token\n${sessionJwt}`));
  return btoa(String.fromCharCode(...new Uint8Array(digest))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Name of the hidden input every signed-in form carries. */
export const FORM_TOKEN_FIELD = 'csrf';

/** Checks the posted form token against the session's; a mismatch is a 403 in plain words. */
export async function checkFormToken(c: Context<AppBindings>, sessionJwt: string): Promise<void> {
  const body = await c.req.parseBody();
  const sent = body[FORM_TOKEN_FIELD];
  const expected = new TextEncoder().encode(await formTokenOf(sessionJwt));
  const given = new TextEncoder().encode(typeof sent === 'string' ? sent : '');
  if (given.byteLength !== expected.byteLength || !crypto.subtle.timingSafeEqual(given, expected)) {
    throw new ApiError('FORBIDDEN', 'This form has expired or was not sent from your session. Reload the page and send it again.');
  }
}
