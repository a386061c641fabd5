import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, jsonBody } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { limitRegistrations } from '../../middleware/rate-limit';
import { registerAccount } from '../../services/accounts';
import { RegisterBody, RegisteredUserSchema, toRegisteredUser } from '../../schemas/auth';

const route = createRoute({
  method: 'post',
  path: '/register',
  operationId: 'register',
  tags: ['Auth'],
  summary: 'Create an account',
  description:
    'AI agents use role "ai_client". Emails are trimmed and lower-cased; each may hold one account. ' +
    'Admin accounts are never self-assigned. Registrations per client address are rate limited (429).',
  middleware: [limitRegistrations] as const,
  request: { body: jsonBody(RegisterBody) },
  responses: { 201: json(RegisteredUserSchema, 'The new account'), ...errorResponses(409, 429) },
});

export function registerRegister(router: Router) {
  router.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const user = await registerAccount(c.var.db, {
      email: body.email,
      password: body.password,
      fullName: body.full_name,
      role: body.role,
    });
    return c.json(toRegisteredUser(user), 201);
  });
}
