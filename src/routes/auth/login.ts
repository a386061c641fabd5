import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, jsonBody } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { authenticate } from '../../services/accounts';
import { issueAccessToken } from '../../services/tokens';
import { LoginBody, TokenSchema } from './schemas';

const route = createRoute({
  method: 'post',
  path: '/login',
  tags: ['Auth'],
  summary: 'Exchange email and password for an access token',
  request: { body: jsonBody(LoginBody) },
  responses: { 200: json(TokenSchema, 'A bearer token'), ...errorResponses(401, 429) },
});

export function registerLogin(router: Router) {
  router.openapi(route, async (c) => {
    const { email, password } = c.req.valid('json');
    const user = await authenticate(c.var.db, email, password);
    const { token, expiresIn } = await issueAccessToken(c.env, user.id);
    return c.json({ access_token: token, token_type: 'bearer' as const, expires_in: expiresIn }, 200);
  });
}
