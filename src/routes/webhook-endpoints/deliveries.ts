import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import { assertOneStart, CursorPageQuery, pageKnowingMore } from '../../lib/pagination';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { listEndpointDeliveries } from '../../services/webhooks/endpoints';
import { DeliveryAttemptListSchema, toDeliveryAttempt, WebhookEndpointIdParam } from '../../schemas/webhook-endpoints';

const route = createRoute({
  method: 'get',
  path: '/{id}/deliveries',
  operationId: 'list_webhook_endpoint_deliveries',
  tags: ['Event webhooks'],
  summary: "An endpoint's delivery attempts",
  description:
    'Every POST made to the endpoint, newest first: the event, the attempt number, the status code or error, how long it took, and what came next (delivered, failed with next_retry_at, or dead). Walk with starting_after (the id of the last attempt of the previous page): attempts made meanwhile are neither repeated nor skipped.',
  security: signedIn,
  middleware: [requireAuth('ai_client', 'client')] as const,
  request: { params: WebhookEndpointIdParam, query: CursorPageQuery('att_1207') },
  responses: { 200: json(DeliveryAttemptListSchema, 'A page of attempts'), ...errorResponses(401, 403, 404) },
});

export function registerListWebhookDeliveries(router: Router) {
  router.openapi(route, async (c) => {
    const query = c.req.valid('query');
    assertOneStart(query);
    const { limit, offset, starting_after } = query;
    const { rows, total, hasMore } = await listEndpointDeliveries(c.var.db, c.var.caller, c.req.valid('param').id, { limit, offset, startingAfter: starting_after });
    return c.json(pageKnowingMore(rows.map(toDeliveryAttempt), total, limit, offset, hasMore), 200);
  });
}
