import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import { page as listPage, PageQuery } from '../../lib/pagination';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { listEndpointDeliveries } from '../../services/webhooks/endpoints';
import { DeliveryAttemptListSchema, toDeliveryAttempt, WebhookEndpointIdParam } from './schemas';

const route = createRoute({
  method: 'get',
  path: '/{id}/deliveries',
  tags: ['Event webhooks'],
  summary: "An endpoint's delivery attempts",
  description:
    'Every POST made to the endpoint, newest first: the event, the attempt number, the status code or error, how long it took, and what came next (delivered, failed with next_retry_at, or dead).',
  security: signedIn,
  middleware: [requireAuth('ai_client', 'client')] as const,
  request: { params: WebhookEndpointIdParam, query: PageQuery },
  responses: { 200: json(DeliveryAttemptListSchema, 'A page of attempts'), ...errorResponses(401, 403, 404) },
});

export function registerListWebhookDeliveries(router: Router) {
  router.openapi(route, async (c) => {
    const page = c.req.valid('query');
    const { rows, total } = await listEndpointDeliveries(c.var.db, c.var.caller.id, c.req.valid('param').id, page);
    return c.json(listPage(rows.map(toDeliveryAttempt), total, page.limit, page.offset), 200);
  });
}
