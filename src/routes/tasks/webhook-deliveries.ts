import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import { assertOneStart, CursorPageQuery, pageKnowingMore } from '../../lib/pagination';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { listTaskDeliveries } from '../../services/webhooks/deliveries';
import { DeliveryAttemptListSchema, toDeliveryAttempt } from '../../schemas/webhook-endpoints';
import { TaskIdParam } from '../../schemas/tasks';

const route = createRoute({
  method: 'get',
  path: '/tasks/{id}/webhook-deliveries',
  operationId: 'list_task_webhook_deliveries',
  tags: ['Event webhooks'],
  summary: "A task's webhook delivery attempts",
  description:
    "Every POST made with this task's events, to its callback_url (endpoint_id null) and to the account's webhook endpoints, newest first; walk with starting_after (the id of the last attempt of the previous page). The task's owner only; anyone else gets 404.",
  security: signedIn,
  middleware: [requireAuth()] as const,
  request: { params: TaskIdParam, query: CursorPageQuery('att_1207') },
  responses: { 200: json(DeliveryAttemptListSchema, 'A page of attempts'), ...errorResponses(401, 404, 429) },
});

export function registerTaskWebhookDeliveries(router: Router) {
  router.openapi(route, async (c) => {
    const query = c.req.valid('query');
    assertOneStart(query);
    const { limit, offset, starting_after } = query;
    const { rows, total, hasMore } = await listTaskDeliveries(c.var.db, c.var.caller, c.req.valid('param').id, { limit, offset, startingAfter: starting_after });
    return c.json(pageKnowingMore(rows.map(toDeliveryAttempt), total, limit, offset, hasMore), 200);
  });
}
