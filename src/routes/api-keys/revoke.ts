import { createRoute } from '@hono/zod-openapi';
import { errorResponses, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { revokeApiKey } from '../../services/api-keys';
import { ApiKeyIdParam } from '../../schemas/api-keys';

const route = createRoute({
  method: 'delete',
  path: '/{id}',
  operationId: 'revoke_api_key',
  tags: ['API keys'],
  summary: 'Revoke an API key',
  description: 'Takes effect on the next request. Unknown, already revoked and other accounts\' keys are all 404.',
  security: signedIn,
  middleware: [requireAuth()] as const,
  request: { params: ApiKeyIdParam },
  responses: { 204: { description: 'Revoked' }, ...errorResponses(401, 404) },
});

export function registerRevokeApiKey(router: Router) {
  router.openapi(route, async (c) => {
    await revokeApiKey(c.var.db, c.var.caller.id, c.req.valid('param').id);
    return c.body(null, 204);
  });
}
