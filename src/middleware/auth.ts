import { createMiddleware } from 'hono/factory';
import type { AppBindings, Caller } from '../context';
import { findUserById } from '../db/queries/users';
import { ApiError } from '../lib/errors';
import { verifyAccessToken } from '../services/tokens';

/** Reads the bearer credential. Returns null when none was sent. */
function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw new ApiError('UNAUTHORIZED', 'Use "Authorization: Bearer <token>".');
  return match[1]!;
}

/**
 * The one auth middleware: a JWT as a bearer token -> c.var.caller. `roles` lists who may call the route;
 * anyone else gets 403 (a route that must hide existence checks ownership itself and answers 404).
 */
export function requireAuth(...roles: Caller['role'][]) {
  return createMiddleware<AppBindings>(async (c, next) => {
    const token = bearerToken(c.req.header('Authorization'));
    if (!token) throw new ApiError('UNAUTHORIZED', 'Authentication required: send "Authorization: Bearer <token>".');
    const userId = await verifyAccessToken(c.env, token);
    const user = await findUserById(c.var.db, userId);
    if (!user) throw new ApiError('UNAUTHORIZED', 'This account no longer exists.');
    if (roles.length > 0 && !roles.includes(user.role)) {
      throw new ApiError('FORBIDDEN', `This action is for ${roles.join(' or ')} accounts.`);
    }
    c.set('caller', { id: user.id, role: user.role, authMethod: 'jwt', apiKeyId: null });
    await next();
  });
}
