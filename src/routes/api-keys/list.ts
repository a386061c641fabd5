import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import { page as listPage, PageQuery } from '../../lib/pagination';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { listApiKeys } from '../../services/api-keys';
import { ApiKeyListSchema, toApiKey } from '../../schemas/api-keys';

const route = createRoute({
  method: 'get',
  path: '/',
  operationId: 'list_api_keys',
  tags: ['API keys'],
  summary: "The account's live API keys",
  description: 'Newest first. Secrets are never listed; `prefix` tells keys apart.',
  security: signedIn,
  middleware: [requireAuth()] as const,
  request: { query: PageQuery },
  responses: { 200: json(ApiKeyListSchema, 'A page of keys'), ...errorResponses(401) },
});

export function registerListApiKeys(router: Router) {
  router.openapi(route, async (c) => {
    const page = c.req.valid('query');
    const { rows, total } = await listApiKeys(c.var.db, c.var.caller.id, page);
    return c.json(listPage(rows.map(toApiKey), total, page.limit, page.offset), 200);
  });
}
