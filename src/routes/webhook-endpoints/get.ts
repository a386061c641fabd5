import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { getWebhookEndpoint } from '../../services/webhooks/endpoints';
import { toWebhookEndpoint, WebhookEndpointIdParam, WebhookEndpointSchema } from '../../schemas/webhook-endpoints';

const route = createRoute({
  method: 'get',
  path: '/{id}',
  operationId: 'get_webhook_endpoint',
  tags: ['Event webhooks'],
  summary: 'Read a webhook endpoint',
  description: "Without its secret. Unknown, deleted and other accounts' endpoints are all 404.",
  security: signedIn,
  middleware: [requireAuth('ai_client', 'client')] as const,
  request: { params: WebhookEndpointIdParam },
  responses: { 200: json(WebhookEndpointSchema, 'The endpoint'), ...errorResponses(401, 403, 404) },
});

export function registerGetWebhookEndpoint(router: Router) {
  router.openapi(route, async (c) => {
    const row = await getWebhookEndpoint(c.var.db, c.var.caller, c.req.valid('param').id);
    return c.json(toWebhookEndpoint(row), 200);
  });
}
