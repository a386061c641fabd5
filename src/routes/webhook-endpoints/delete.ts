import { createRoute } from '@hono/zod-openapi';
import { errorResponses, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { deleteWebhookEndpoint } from '../../services/webhooks/endpoints';
import { WebhookEndpointIdParam } from '../../schemas/webhook-endpoints';

const route = createRoute({
  method: 'delete',
  path: '/{id}',
  operationId: 'delete_webhook_endpoint',
  tags: ['Event webhooks'],
  summary: 'Delete a webhook endpoint',
  description:
    "Nothing more is sent to it, including deliveries waiting for a retry. Unknown, already deleted and other accounts' endpoints are all 404.",
  security: signedIn,
  middleware: [requireAuth('ai_client', 'client')] as const,
  request: { params: WebhookEndpointIdParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404) },
});

export function registerDeleteWebhookEndpoint(router: Router) {
  router.openapi(route, async (c) => {
    await deleteWebhookEndpoint(c.var.db, c.var.caller, c.req.valid('param').id);
    return c.body(null, 204);
  });
}
