import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppBindings } from '../context';
import { consume, registrationRules } from '../services/rate-limits';

/**
 * The caller's address as Cloudflare saw it. CF-Connecting-IP is set by Cloudflare's edge and cannot be forged
 * through it; X-Forwarded-For can, so it is not read. Without the header (local development) every request
 * shares one bucket, which the development limits allow for.
 */
export const clientIp = (c: Context<AppBindings>): string => c.req.header('CF-Connecting-IP')?.trim() || 'unknown';

/** Registrations per client address, counted before the body is even validated (probing counts too). */
export const limitRegistrations = createMiddleware<AppBindings>(async (c, next) => {
  await consume(c.var.db, await registrationRules(c.env, clientIp(c)), 'Too many registrations from this address.');
  await next();
});
