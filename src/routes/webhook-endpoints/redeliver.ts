import { paymentsContext } from '../../context';
import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotency, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { redeliverEndpointDelivery } from '../../services/webhooks/deliveries';
import { DeliveryIdParam, RedeliverySchema, toRedelivery } from '../../schemas/webhook-endpoints';

const route = createRoute({
  method: 'post',
  path: '/{id}/deliveries/{delivery_id}/redeliver',
  operationId: 'redeliver_webhook_delivery',
  tags: ['Event webhooks'],
  summary: 'Redeliver an event to an endpoint',
  description:
    'For a delivery that is delivered or dead: queues a new delivery of the same event (same id and body, so receivers dedupe) to the endpoint, signed afresh, with its own attempts counted from 1 and the whole retry schedule. 409 INVALID_STATE while the event is still on its way there (this delivery or an earlier redelivery is pending). Unknown deliveries, and other accounts\' endpoints, are 404.',
  security: signedIn,
  middleware: [requireAuth('ai_client', 'client'), idempotency] as const,
  request: { params: DeliveryIdParam, headers: IdempotencyKeyHeader },
  responses: { 201: json(RedeliverySchema, 'The new delivery, pending'), ...errorResponses(401, 403, 404, 409, 422) },
});

export function registerRedeliverWebhookDelivery(router: Router) {
  router.openapi(route, async (c) => {
    const { id, delivery_id } = c.req.valid('param');
    const redelivery = await redeliverEndpointDelivery(c.var.db, paymentsContext(c), c.var.caller, id, delivery_id);
    return c.json(toRedelivery(redelivery), 201);
  });
}
