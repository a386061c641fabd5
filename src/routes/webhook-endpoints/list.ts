import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import { page as listPage, PageQuery } from '../../lib/pagination';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { listWebhookEndpoints } from '../../services/webhooks/endpoints';
import { toWebhookEndpoint, WebhookEndpointListSchema } from '../../schemas/webhook-endpoints';

const route = createRoute({
  method: 'get',
  path: '/',
  operationId: 'list_webhook_endpoints',
  tags: ['Event webhooks'],
  summary: "The account's webhook endpoints",
  description: 'Newest first; deleted endpoints are not listed. Secrets are never listed.',
  security: signedIn,
  middleware: [requireAuth('ai_client', 'client')] as const,
  request: { query: PageQuery },
  responses: { 200: json(WebhookEndpointListSchema, 'A page of endpoints'), ...errorResponses(401, 403) },
});

export function registerListWebhookEndpoints(router: Router) {
  router.openapi(route, async (c) => {
    const page = c.req.valid('query');
    const { rows, total } = await listWebhookEndpoints(c.var.db, c.var.caller, page);
    return c.json(listPage(rows.map(toWebhookEndpoint), total, page.limit, page.offset), 200);
  });
}
