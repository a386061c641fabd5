import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, jsonBody } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { clientIp } from '../../middleware/rate-limit';
import { signIn } from '../../services/accounts';
import { LoginBody, TokenSchema } from '../../schemas/auth';

const route = createRoute({
  method: 'post',
  path: '/login',
  operationId: 'login',
  tags: ['Auth'],
  summary: 'Exchange email and password for an access token',
  description:
    'Returns a bearer JWT for the Authorization header. Unknown email and wrong password give the same 401. ' +
    'Repeated failures for one email or from one address are answered with 429 and Retry-After.',
  request: { body: jsonBody(LoginBody) },
  responses: { 200: json(TokenSchema, 'A bearer token'), ...errorResponses(401, 429) },
});

export function registerLogin(router: Router) {
  router.openapi(route, async (c) => {
    const { email, password } = c.req.valid('json');
    const { token, expiresIn } = await signIn(c.var.db, c.env, { email, password, ip: clientIp(c) });
    return c.json({ access_token: token, token_type: 'bearer' as const, expires_in: expiresIn }, 200);
  });
}
